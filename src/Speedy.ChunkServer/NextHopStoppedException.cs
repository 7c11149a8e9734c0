namespace Speedy.ChunkServer;

/// <summary>The next hop of a chained write stopped reading the body (it failed or answered early); its answer says why.</summary>
internal sealed class NextHopStoppedException() : IOException("the next hop of the chain stopped reading the body");
