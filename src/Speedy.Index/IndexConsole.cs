namespace Speedy.Index;

/// <summary>Where the index prints what an operator must see once (the bootstrap password): standard error unless replaced.</summary>
public sealed record IndexConsole(TextWriter Error);
