namespace Speedy.Master;

/// <summary>An error answer: <c>{"error": "..."}</c>.</summary>
public sealed record MasterError(string Error);
