using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Hosting;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests.Hosting;

public sealed class BlockMemoryPoolTests
{
    [Fact]
    public void Rent_GivesAWholeBlock_WhateverTheSizeAsked()
    {
        using var pool = new BlockMemoryPool();
        foreach (var size in new[] { -1, 0, 1, 4096, BlockMemoryPool.BlockBytes })
        {
            using var block = pool.Rent(size);
            Assert.Equal(BlockMemoryPool.BlockBytes, block.Memory.Length);
        }

        Assert.Equal(BlockMemoryPool.BlockBytes, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(BlockMemoryPool.BlockBytes + 1));
    }

    [Fact]
    public void ReturnedBlock_IsRentedAgain_UpToTheRetainedBytes()
    {
        using var pool = new BlockMemoryPool();
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();
        Assert.True(pool.Rent().Memory.Equals(memory), "a returned block is reused");

        const int Retained = BlockMemoryPool.RetainedBytes / BlockMemoryPool.BlockBytes;
        var blocks = Enumerable.Range(0, Retained + 10).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(block => block.Dispose());
        var reused = Enumerable.Range(0, Retained + 10).Select(_ => pool.Rent()).Count(block => blocks.Any(old => old.Memory.Equals(block.Memory)));
        Assert.Equal(Retained, reused);
    }

    [Fact]
    public void Rent_AfterDispose_Throws()
    {
        var pool = new BlockMemoryPool();
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public async Task EveryRole_GivesKestrelTheBlockPool()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        Assert.IsType<BlockMemoryPool.Factory>(registry.App.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }
}
