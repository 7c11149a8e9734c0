namespace Speedy.LoadTest;

/// <summary>
/// <paramref name="Clients"/> clients that all count in <paramref name="Recorder"/>; <paramref name="CreateClient"/>
/// makes client <c>i</c>'s operation (with its own buffers), which the step then runs over and over.
/// </summary>
internal sealed record ClientGroup(StepRecorder Recorder, int Clients, Func<int, Func<CancellationToken, Task>> CreateClient);
