// The tests start worker processes and measure leases in seconds on a 2-core machine; running test classes in
// parallel would make those timings meaningless.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
