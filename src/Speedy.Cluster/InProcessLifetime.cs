using Microsoft.Extensions.Hosting;

namespace Speedy.Cluster;

/// <summary>
/// The lifetime of a role hosted inside a <see cref="LocalCluster"/>: it does not listen for Ctrl-C or SIGTERM
/// (the default console lifetime would, and every role would then stop on its own, in no particular order). The
/// process that hosts the cluster handles the signals and stops the roles in order.
/// </summary>
internal sealed class InProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
