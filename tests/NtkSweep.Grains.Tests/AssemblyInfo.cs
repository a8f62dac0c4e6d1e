// Each test runs its own in-process cluster whose slots saturate this 2-core machine; in parallel they would starve
// each other's membership probes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
