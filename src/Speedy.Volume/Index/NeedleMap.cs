namespace Speedy.Volume.Index;

/// <summary>
/// The in-memory index, needle id → (offset, length): one array of 16-byte structs with Robin Hood linear probing, no
/// object per needle. The home slot is a multiplicative hash mapped onto the table by Lemire's multiply-shift range
/// reduction, so the capacity need not be a power of two and the table grows by a quarter, kept between 72% and 90%
/// full: 17.8 to 22.2 bytes per needle. Robin Hood ordering keeps probes short at that load and lets a miss stop
/// early; removal shifts the following run back, leaving no tombstones. Not thread-safe: the volume guards it.
/// </summary>
internal sealed class NeedleMap
{
    private const int MinCapacity = 16;
    private const ulong HashMultiplier = 0x9E3779B97F4A7C15;

    private NeedleEntry[] _slots;
    private int _count;

    public NeedleMap(int expectedCount = 0)
    {
        _slots = new NeedleEntry[CapacityFor(expectedCount)];
    }

    public int Count => _count;

    public int Capacity => _slots.Length;

    /// <summary>The bytes the table holds: the figure to compare with the needle count.</summary>
    public long MemoryBytes => (long)_slots.Length * NeedleEntry.Size;

    public bool TryGetValue(ulong id, out NeedleEntry entry)
    {
        var slots = _slots;
        var capacity = slots.Length;
        var index = Home(id, capacity);
        for (var distance = 0; ; distance++)
        {
            ref var slot = ref slots[index];
            if (slot.IsEmpty || Distance(slot.Id, index, capacity) < distance)
            {
                entry = default;
                return false;
            }

            if (slot.Id == id)
            {
                entry = slot;
                return true;
            }

            if (++index == capacity)
            {
                index = 0;
            }
        }
    }

    /// <summary>Adds or replaces the entry for <paramref name="entry"/>'s id; true with the replaced entry if there was one.</summary>
    public bool Set(NeedleEntry entry, out NeedleEntry previous)
    {
        if ((long)(_count + 1) * 10 > (long)_slots.Length * 9)
        {
            Resize(_slots.Length + (_slots.Length / 4) + 1);
        }

        var replaced = Insert(_slots, entry, out previous);
        if (!replaced)
        {
            _count++;
        }

        return replaced;
    }

    public bool Remove(ulong id, out NeedleEntry removed)
    {
        var slots = _slots;
        var capacity = slots.Length;
        var index = Home(id, capacity);
        for (var distance = 0; ; distance++)
        {
            ref var slot = ref slots[index];
            if (slot.IsEmpty || Distance(slot.Id, index, capacity) < distance)
            {
                removed = default;
                return false;
            }

            if (slot.Id == id)
            {
                removed = slot;
                break;
            }

            if (++index == capacity)
            {
                index = 0;
            }
        }

        // Backward shift: pull each following entry that is away from home one slot closer.
        var next = index + 1 == capacity ? 0 : index + 1;
        while (!slots[next].IsEmpty && Distance(slots[next].Id, next, capacity) > 0)
        {
            slots[index] = slots[next];
            index = next;
            next = index + 1 == capacity ? 0 : index + 1;
        }

        slots[index] = default;
        _count--;
        return true;
    }

    /// <summary>Copies every entry, in table order, to <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    public int CopyTo(Span<NeedleEntry> destination)
    {
        var written = 0;
        foreach (ref readonly var slot in _slots.AsSpan())
        {
            if (!slot.IsEmpty)
            {
                destination[written++] = slot;
            }
        }

        return written;
    }

    private static bool Insert(NeedleEntry[] slots, NeedleEntry entry, out NeedleEntry previous)
    {
        var capacity = slots.Length;
        var index = Home(entry.Id, capacity);
        var distance = 0;
        while (true)
        {
            ref var slot = ref slots[index];
            if (slot.IsEmpty)
            {
                slot = entry;
                previous = default;
                return false;
            }

            // Until the first swap this is the id being set; after it, the carried entry's id is unique in the table.
            if (slot.Id == entry.Id)
            {
                previous = slot;
                slot = entry;
                return true;
            }

            var residentDistance = Distance(slot.Id, index, capacity);
            if (residentDistance < distance)
            {
                (slot, entry) = (entry, slot);
                distance = residentDistance;
            }

            distance++;
            if (++index == capacity)
            {
                index = 0;
            }
        }
    }

    private void Resize(int capacity)
    {
        var old = _slots;
        var slots = new NeedleEntry[Math.Max(capacity, MinCapacity)];
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (!slot.IsEmpty)
            {
                Insert(slots, slot, out _);
            }
        }

        _slots = slots;
    }

    private static int CapacityFor(int count) => Math.Max(MinCapacity, (int)Math.Min(Array.MaxLength, count + ((long)count / 4) + 1));

    private static int Home(ulong id, int capacity) => (int)(((id * HashMultiplier) >> 32) * (ulong)capacity >> 32);

    private static int Distance(ulong id, int index, int capacity)
    {
        var distance = index - Home(id, capacity);
        return distance < 0 ? distance + capacity : distance;
    }
}
