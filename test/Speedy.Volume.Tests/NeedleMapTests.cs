using Speedy.Volume.Index;

namespace Speedy.Volume.Tests;

public class NeedleMapTests
{
    private static NeedleEntry Entry(ulong id, uint units = 0, uint length = 0) =>
        new(id, units == 0 ? (uint)(id % 1_000_000) + 8 : units, length == 0 ? (uint)(id % 5000) : length);

    [Fact]
    public void RandomOperations_AgreeWithADictionary()
    {
        var random = new Random(1234);
        var map = new NeedleMap();
        var model = new Dictionary<ulong, NeedleEntry>();
        for (var op = 0; op < 200_000; op++)
        {
            // A small key space, so sets replace and removals hit.
            var id = (ulong)random.Next(20_000) * 0x9E37_79B9UL;
            if (random.Next(3) == 0)
            {
                var removed = map.Remove(id, out var old);
                Assert.Equal(model.Remove(id, out var expected), removed);
                if (removed)
                {
                    Assert.Equal(expected, old);
                }
            }
            else
            {
                var entry = Entry(id, (uint)random.Next(8, int.MaxValue), (uint)random.Next());
                var replaced = map.Set(entry, out var previous);
                Assert.Equal(model.TryGetValue(id, out var expected), replaced);
                if (replaced)
                {
                    Assert.Equal(expected, previous);
                }

                model[id] = entry;
            }

            Assert.Equal(model.Count, map.Count);
        }

        foreach (var (id, expected) in model)
        {
            Assert.True(map.TryGetValue(id, out var entry));
            Assert.Equal(expected, entry);
        }

        for (ulong id = 1; id < 1000; id++)
        {
            Assert.Equal(model.ContainsKey(id), map.TryGetValue(id, out _));
        }
    }

    [Fact]
    public void CopyTo_YieldsEveryEntryOnce()
    {
        var map = new NeedleMap();
        for (ulong id = 0; id < 10_000; id++)
        {
            map.Set(Entry(id), out _);
        }

        var entries = new NeedleEntry[map.Count];
        Assert.Equal(10_000, map.CopyTo(entries));
        Assert.Equal(10_000, entries.Select(e => e.Id).Distinct().Count());
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    [InlineData(3_000_000)]
    public void Memory_AfterInsertingSequentialIds_IsAtMost24BytesPerNeedle(int count)
    {
        var map = new NeedleMap();
        for (var id = 1UL; id <= (ulong)count; id++)
        {
            map.Set(Entry(id), out _);
        }

        var perNeedle = (double)map.MemoryBytes / map.Count;
        Assert.InRange(perNeedle, 16, 24);
    }

    [Fact]
    public void Memory_AtEveryCountWhileGrowing_StaysAtMost24BytesPerNeedleOnceLarge()
    {
        var map = new NeedleMap();
        for (var id = 1UL; id <= 200_000; id++)
        {
            map.Set(Entry(id * 7919), out _);
            if (id >= 1000)
            {
                Assert.True(map.MemoryBytes <= 24L * map.Count, $"{map.MemoryBytes} bytes for {map.Count} needles");
            }
        }
    }

    [Fact]
    public void Lookup_OfAbsentIds_InAFullTable_ReturnsFalse()
    {
        var map = new NeedleMap();
        for (ulong id = 0; id < 100_000; id += 2)
        {
            map.Set(Entry(id + 1), out _);
        }

        for (ulong id = 0; id < 100_000; id += 2)
        {
            Assert.False(map.TryGetValue(id + 2_000_000, out _));
            Assert.True(map.TryGetValue(id + 1, out _));
        }
    }
}
