using Speedy.Registry.Http;

namespace Speedy.Registry.Tests.Http;

public sealed class BlobReadBudgetTests
{
    [Theory]
    [InlineData(256 << 10, 1024)]
    [InlineData(4 << 20, 64)]
    [InlineData(BlobReadBudget.Bytes * 2, 1)]
    public async Task Slots_AreTheBudgetOverTheReadSize_AndAReadWaitsUntilOneIsReleased(int readSize, int slots)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var budget = new BlobReadBudget(readSize);
        for (var i = 0; i < slots; i++)
        {
            Assert.True(budget.WaitAsync(cancellationToken).IsCompletedSuccessfully);
        }

        var waiting = budget.WaitAsync(cancellationToken);
        Assert.False(waiting.IsCompleted);

        budget.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }
}
