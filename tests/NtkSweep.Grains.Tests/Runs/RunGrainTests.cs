using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;

namespace NtkSweep.Grains.Tests.Runs;

public sealed class RunGrainTests
{
    [Fact]
    public async Task TwoOrdersForOneRunAtOnce_TrainItOnce_TheSecondIsBusy_AndItIsCommittedOnce()
    {
        await using var engine = await EngineCluster.StartAsync(silos: 1);
        var point = SweepFileParser.Parse("""
            name: one
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 2000000, lossTolerance: 0, width: 32}
            """, "one.yaml").Expand()[0];
        var grain = engine.Grains.GetGrain<IRunGrain>(point.Key);
        var order = new RunOrder(point.Key, point.Spec.ToCanonicalJson(), "a", 1);

        var first = grain.Execute(order);
        await Task.Delay(200);
        var second = await grain.Execute(order with { Sweep = "b" });
        var outcome = await first;

        Assert.Equal(RunOutcomeKind.Busy, second.Kind);
        Assert.Equal(RunOutcomeKind.Done, outcome.Kind);
        Assert.Equal(1, Assert.Single(engine.TrainCalls).Value);

        // A later order finds the stored result and trains nothing; the store refuses a second commit.
        var third = await grain.Execute(order with { Sweep = "c" });
        Assert.Equal(RunOutcomeKind.Done, third.Kind);
        Assert.Equal(1, Assert.Single(engine.TrainCalls).Value);
        var stored = engine.Store.TryGet(point.Key)!;
        Assert.False(engine.Store.TryCommit(stored));
    }

    [Fact]
    public void DirectoryStore_CommitsARunOnce_ButReplacesAStoredFailure()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ntksweep-commit-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new DirectoryResultStore(directory);
            var point = SweepFileParser.Parse("name: one\nfixed: {data: luo1d, maxSteps: 50, width: 8}\n", "one.yaml").Expand()[0];
            var result = Trainer.Run(point.Spec, KernelFactory.Best);
            store.PutFailure(point.Key, point.Spec, "boom");

            Assert.True(store.TryCommit(StoredRun.FromResult(point.Key, result)));
            Assert.False(store.TryCommit(StoredRun.FromResult(point.Key, result with { WallSeconds = 99 })));
            Assert.NotEqual(99, store.TryGet(point.Key)!.Result!.WallSeconds);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
