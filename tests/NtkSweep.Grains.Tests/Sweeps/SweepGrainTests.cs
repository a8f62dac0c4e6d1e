using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Tests.Sweeps;

public sealed class SweepGrainTests
{
    private const string Small = """
        name: small
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 2000}
        axes:
          width: [16, 32, 48]
        seeds: 2
        """;

    [Fact]
    public async Task Submit_RunsEveryRunOnce_StoresEveryResult_AndASecondSubmitRunsNothing()
    {
        await using var engine = await EngineCluster.StartAsync();

        var submitted = await engine.SubmitAsync(Small);
        Assert.Equal(6, submitted.Counts.Total);
        var status = await engine.WaitFinishedAsync("small", TimeSpan.FromSeconds(60));

        Assert.Equal(6, status.Counts.Done + status.Counts.Diverged);
        Assert.Equal(6, engine.Store.ReadAll().Count);
        Assert.All(engine.TrainCalls.Values, calls => Assert.Equal(1, calls));
        Assert.Equal(1, status.CostFraction);

        var again = await engine.SubmitAsync(Small);
        Assert.True(again.Finished);
        Assert.Equal(6, again.Reused);
        Assert.Equal(6, engine.TrainCalls.Values.Sum());
    }

    [Fact]
    public async Task PoisonRun_FailsAfterMaxAttempts_WithItsError_WhileTheOthersFinish_AndRetryFailedRunsItAgain()
    {
        await using var engine = await EngineCluster.StartAsync(maxAttempts: 3);
        var yaml = $$"""
            name: poison
            fixed: {data: luo1d, maxSteps: 2000}
            axes:
              width: [16, {{EngineCluster.PoisonWidth}}, 32]
            """;

        await engine.SubmitAsync(yaml);
        var status = await engine.WaitFinishedAsync("poison", TimeSpan.FromSeconds(60));

        Assert.Equal(2, status.Counts.Done);
        Assert.Equal(1, status.Counts.Failed);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(3, failure.Attempts);
        Assert.Equal("gave up after 3 attempts: InvalidOperationException: boom", failure.Error);
        Assert.Equal(3, engine.TrainCalls.Single(pair => pair.Key.Contains($"\"width\":{EngineCluster.PoisonWidth}", StringComparison.Ordinal)).Value);
        Assert.Equal(RunState.Failed, engine.Store.TryGet(failure.Key)!.State);

        var retried = await engine.SubmitAsync(yaml, retryFailed: true);
        Assert.Equal(0, retried.Counts.Failed);
        var again = await engine.WaitFinishedAsync("poison", TimeSpan.FromSeconds(60));
        Assert.Equal(1, again.Counts.Failed);
        Assert.Equal(6, engine.TrainCalls.Single(pair => pair.Key.Contains($"\"width\":{EngineCluster.PoisonWidth}", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public async Task OverlappingSweeps_ShareTheirRuns_EachSharedRunIsTrainedOnce()
    {
        await using var engine = await EngineCluster.StartAsync();
        const string First = """
            name: first
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 20000, lossTolerance: 0}
            axes:
              width: [16, 32, 48, 64]
            """;
        const string Second = """
            name: second
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 20000, lossTolerance: 0}
            axes:
              width: [32, 48, 64, 80]
            """;

        await Task.WhenAll(engine.SubmitAsync(First), engine.SubmitAsync(Second));
        var first = await engine.WaitFinishedAsync("first", TimeSpan.FromSeconds(60));
        var second = await engine.WaitFinishedAsync("second", TimeSpan.FromSeconds(60));

        Assert.Equal(4, first.Counts.Done + first.Counts.Diverged);
        Assert.Equal(4, second.Counts.Done + second.Counts.Diverged);
        Assert.Equal(5, engine.Store.ReadAll().Count);
        Assert.Equal(5, engine.TrainCalls.Count);
        Assert.All(engine.TrainCalls.Values, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public async Task Cancel_StopsHandingOutRuns_AndStopsTheRunningOnes_UntilTheSweepIsSubmittedAgain()
    {
        await using var engine = await EngineCluster.StartAsync();
        const string Slow = """
            name: slow
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000000, lossTolerance: 0}
            axes:
              width: [32, 48, 64, 80]
            """;
        await engine.SubmitAsync(Slow);
        var grain = engine.Grains.GetGrain<ISweepGrain>("slow");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await grain.GetStatus()).Counts.Running < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await grain.Cancel();
        var stopped = await engine.WaitFinishedAsync("slow", TimeSpan.FromSeconds(30));

        Assert.True(stopped.Cancelled);
        Assert.Equal(0, stopped.Counts.Running);
        Assert.Equal(4, stopped.Counts.Pending);
        Assert.Empty(engine.Store.ReadAll());

        await engine.SubmitAsync(Slow);
        var finished = await engine.WaitFinishedAsync("slow", TimeSpan.FromSeconds(120));
        Assert.False(finished.Cancelled);
        Assert.Equal(4, finished.Counts.Done + finished.Counts.Diverged);
    }

    [Fact]
    public async Task TheSiloHoldingTheSweepGrainDies_TheSweepGoesOnElsewhere_AndEveryRunIsStoredOnce()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 3);
        const string Yaml = """
            name: survive
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 600000, lossTolerance: 0}
            axes:
              width: [16, 24, 32, 40, 48, 56]
            """;
        await engine.SubmitAsync(Yaml);
        var grain = engine.Grains.GetGrain<ISweepGrain>("survive");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await grain.GetStatus()).Counts.Finished < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var coordinator = (await grain.GetStatus()).CoordinatorSilo;
        var victim = engine.Cluster.Silos.Single(silo => silo.SiloAddress.ToParsableString() == coordinator);
        await engine.Cluster.KillSiloAsync(victim);

        var status = await engine.WaitFinishedAsync("survive", TimeSpan.FromSeconds(120));
        Assert.Equal(6, status.Counts.Done + status.Counts.Diverged);
        Assert.NotEqual(coordinator, status.CoordinatorSilo);
        Assert.Equal(6, engine.Store.ReadAll().Count);
    }

    [Fact]
    public async Task AnOrderWhoseReplyWasLost_GoesBackToTheQueue_WhenItsSlotCallsAgain_AlthoughItsSiloIsAlive()
    {
        await using var engine = await EngineCluster.StartAsync();
        const string Yaml = """
            name: lost
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 1000000, lossTolerance: 0}
            axes:
              width: [16, 24, 32, 40]
            """;
        await engine.SubmitAsync(Yaml);
        var grain = engine.Grains.GetGrain<ISweepGrain>("lost");

        // A slot of a live silo (slot 9: none of its real slots) takes a run and never gets the reply. Four runs: the two
        // real slots take one each per call until the sweep has measured speed, so one is left for this call at least.
        var liveSilo = engine.Cluster.Silos[0].SiloAddress.ToParsableString();
        var taken = await grain.Take(new TakeRequest(liveSilo, 1, [], Slot: 9));
        var lost = Assert.Single(taken);
        Assert.Contains((await grain.GetStatus()).Running, run => run.Key == lost.Key);

        // Its next call reports nothing: the run was never trained there, so it is pending again and others train it.
        Assert.Empty(await grain.Take(new TakeRequest(liveSilo, 0, [], Slot: 9)));
        var status = await engine.WaitFinishedAsync("lost", TimeSpan.FromSeconds(60));
        Assert.Equal(4, status.Counts.Done + status.Counts.Diverged);
        Assert.Equal(4, engine.Store.ReadAll().Count);
        Assert.All(engine.TrainCalls.Values, calls => Assert.Equal(1, calls));
    }
}
