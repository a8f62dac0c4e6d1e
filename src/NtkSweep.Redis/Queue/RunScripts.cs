namespace NtkSweep.Redis.Queue;

/// <summary>
/// The Lua scripts that change a run's ownership or state. Each runs atomically on the server, so a check of the
/// fencing token and the write it guards cannot be separated by another worker's claim. The fencing token is the
/// run hash's <c>fence</c> counter: every claim increments it, and only the holder of the current value may
/// checkpoint, commit, release or record a failure. A worker whose lease expired but whose fence is still current
/// (nobody claimed the run meanwhile) may go on: no one else can have run it.
/// </summary>
internal static class RunScripts
{
    /// <summary>
    /// KEYS: run, results, stream. ARGV: key, spec, sweep, retry failed ('1' or '0'). → stored | failed | known | enqueued.
    /// A failed run is forgotten (record and state) and enqueued afresh only when asked to retry failed runs.
    /// </summary>
    public const string Enqueue = """
        if ARGV[4] == '1' and redis.call('HGET', KEYS[1], 'state') == 'failed' then
          redis.call('HDEL', KEYS[2], ARGV[1])
          redis.call('DEL', KEYS[1])
        end
        if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 'stored' end
        local state = redis.call('HGET', KEYS[1], 'state')
        if state == 'failed' then return 'failed' end
        if state then return 'known' end
        redis.call('HSET', KEYS[1], 'state', 'pending', 'spec', ARGV[2], 'sweep', ARGV[3], 'fence', 0, 'attempts', 0, 'claims', 0, 'commits', 0)
        redis.call('XADD', KEYS[3], '*', 'run', ARGV[1])
        return 'enqueued'
        """;

    /// <summary>
    /// KEYS: run, lease, checkpoint. ARGV: worker, lease ms. → {missing} | {finished, state} | {held, holder} |
    /// {claimed, fence, attempts, lastError, spec, checkpoint or false}. The checkpoint comes with the claim to save
    /// a round trip per run.
    /// </summary>
    public const string Claim = """
        local state = redis.call('HGET', KEYS[1], 'state')
        if not state then return {'missing'} end
        if state == 'done' or state == 'diverged' or state == 'failed' then return {'finished', state} end
        local holder = redis.call('GET', KEYS[2])
        if holder then return {'held', holder} end
        local fence = redis.call('HINCRBY', KEYS[1], 'fence', 1)
        local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('HINCRBY', KEYS[1], 'claims', 1)
        redis.call('SET', KEYS[2], ARGV[1] .. '|' .. fence, 'PX', ARGV[2])
        redis.call('HSET', KEYS[1], 'state', 'running', 'owner', ARGV[1])
        local lastError = redis.call('HGET', KEYS[1], 'lastError') or ''
        local spec = redis.call('HGET', KEYS[1], 'spec') or ''
        return {'claimed', tostring(fence), tostring(attempts), lastError, spec, redis.call('GET', KEYS[3])}
        """;

    /// <summary>
    /// KEYS: run, lease, stream. ARGV: worker, fence, lease ms, group, entry id. → 1 renewed | 0 lost.
    /// Also resets the stream entry's idle time (XCLAIM … JUSTID) so XAUTOCLAIM leaves a live owner's run alone.
    /// </summary>
    public const string Renew = """
        local token = ARGV[1] .. '|' .. ARGV[2]
        local holder = redis.call('GET', KEYS[2])
        if holder ~= token then
          if holder then return 0 end
          if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[2] then return 0 end
          if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
        end
        redis.call('SET', KEYS[2], token, 'PX', ARGV[3])
        redis.call('XCLAIM', KEYS[3], ARGV[4], ARGV[1], 0, ARGV[5], 'JUSTID')
        return 1
        """;

    /// <summary>KEYS: run, checkpoint. ARGV: fence, bytes. → 1 saved | 0 fenced out.</summary>
    public const string SaveCheckpoint = """
        if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return 0 end
        if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('HINCRBY', KEYS[1], 'checkpoints', 1)
        return 1
        """;

    /// <summary>
    /// KEYS: run, lease, checkpoint, results, stream, commits. ARGV: fence, state, record, error, group, entry id,
    /// now ms, key (record '' when the run's spec itself is unusable). → committed | fenced | duplicate. The result and the state change land together, then the entry
    /// is acknowledged: a stale owner (fence moved on) or a second commit writes nothing.
    /// </summary>
    public const string Commit = """
        if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return 'fenced' end
        local state = redis.call('HGET', KEYS[1], 'state')
        if state == 'done' or state == 'diverged' or state == 'failed' then return 'duplicate' end
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[4], ARGV[8], ARGV[3]) end
        redis.call('HSET', KEYS[1], 'state', ARGV[2], 'error', ARGV[4], 'committedAt', ARGV[7])
        redis.call('HINCRBY', KEYS[1], 'commits', 1)
        redis.call('HDEL', KEYS[1], 'owner')
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('XACK', KEYS[5], ARGV[5], ARGV[6])
        redis.call('ZADD', KEYS[6], ARGV[7], ARGV[8])
        return 'committed'
        """;

    /// <summary>
    /// KEYS: run, lease, stream. ARGV: worker, fence, group, entry id, error ('' for a graceful release), idle ms.
    /// → 1 released | 0 fenced out. Gives the run back: pending again, its entry made idle at once so another
    /// worker's XAUTOCLAIM takes it on its next poll. A graceful release (shutdown) does not count as an attempt.
    /// </summary>
    public const string Release = """
        if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[2] then return 0 end
        if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'state', 'pending')
        redis.call('HDEL', KEYS[1], 'owner')
        if ARGV[5] == '' then
          redis.call('HINCRBY', KEYS[1], 'attempts', -1)
        else
          redis.call('HSET', KEYS[1], 'lastError', ARGV[5])
        end
        redis.call('XCLAIM', KEYS[3], ARGV[3], ARGV[1], 0, ARGV[4], 'IDLE', ARGV[6], 'JUSTID')
        return 1
        """;

    /// <summary>KEYS: stream. ARGV: group, entry id. Acknowledges an entry whose run another entry already finished.</summary>
    public const string Acknowledge = """
        return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        """;
}
