namespace Speedy.Master;

/// <summary>
/// Hands out needle-id leases that never repeat — across restarts and across several masters running at once —
/// with no persistent state and no coordination. An id is laid out as
/// <code>
///   bits 63..22  unix time in milliseconds (a "slot"; 42 bits last until the year 2109)
///   bits 21..16  the master's --index (0..63)
///   bits 15..0   a counter within the slot
/// </code>
/// so masters with distinct indexes never meet, and one master owns 65,536 ids per millisecond. A lease is at most
/// one slot (65,536 ids) and never crosses a slot. The cursor only moves forward, and never below the highest
/// needle-id high-water mark any chunk server reported.
/// <para>
/// The cursor may run ahead of the clock (a burst of leases, a high-water mark from the future), but never by more
/// than <see cref="Lead"/>: past that the lease is refused with a retry-after until the clock catches up. So every
/// id a run hands out lies in a slot at most <see cref="Lead"/> after the clock at that moment, and a new instance
/// starts its cursor at its start time plus <see cref="Lead"/>: beyond anything its predecessor could have handed
/// out, provided the restart took at least a millisecond and the clock did not go back across it. That is the
/// assumption; if the clock does go back across a restart (by more than the restart took), ids could repeat. Within
/// one run a clock that goes back is harmless: the cursor never moves back, and leases wait (503, Retry-After)
/// until the clock passes the last lease again.
/// </para>
/// </summary>
internal sealed class NeedleIdLeaser
{
    /// <summary>The most ids one lease carries: one slot.</summary>
    public const int MaxLease = 1 << IndexShift;

    /// <summary>How far the cursor may run ahead of the clock.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromSeconds(1);

    private const int TimeShift = 22;
    private const int IndexShift = 16;

    private readonly TimeProvider _time;
    private readonly ulong _index;
    private readonly Lock _lock = new();
    private ulong _next;
    private ulong _highWater;

    public NeedleIdLeaser(int index, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MasterOptions.MaxIndex);
        _index = (ulong)index;
        _time = time;
        _next = SlotStart(NowMilliseconds() + (ulong)Lead.TotalMilliseconds);
    }

    /// <summary>The lowest id the next lease may start at (for tests and diagnostics).</summary>
    public ulong Cursor
    {
        get
        {
            lock (_lock)
            {
                return Math.Max(_next, _highWater);
            }
        }
    }

    /// <summary>The unix millisecond an id was leased in (its slot).</summary>
    public static ulong SlotOf(ulong id) => id >> TimeShift;

    /// <summary>The master index an id was leased by.</summary>
    public static int IndexOf(ulong id) => (int)((id >> IndexShift) & MasterOptions.MaxIndex);

    /// <summary>A chunk server handed out or stored ids below <paramref name="highWaterMark"/>; no lease starts below it.</summary>
    public void Observe(ulong highWaterMark)
    {
        lock (_lock)
        {
            _highWater = Math.Max(_highWater, highWaterMark);
        }
    }

    /// <summary>Leases <paramref name="count"/> ids, or says how long to wait when the cursor is too far ahead of the clock.</summary>
    public bool TryLease(int count, out NeedleIdRange range, out TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxLease);
        lock (_lock)
        {
            var limit = NowMilliseconds() + (ulong)Lead.TotalMilliseconds;
            var cursor = Math.Max(_next, _highWater);
            var start = SlotOf(cursor) > limit ? cursor : Align(cursor, (ulong)count);
            if (SlotOf(start) > limit)
            {
                range = default;
                retryAfter = TimeSpan.FromMilliseconds(SlotOf(start) - limit);
                return false;
            }

            _next = start + (ulong)count;
            range = new NeedleIdRange(start, _next);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>The first id at or after <paramref name="cursor"/> in this master's part of a slot with room for <paramref name="count"/> ids.</summary>
    private ulong Align(ulong cursor, ulong count)
    {
        var slot = SlotOf(cursor);
        var ours = SlotStart(slot);
        if (cursor <= ours)
        {
            return ours;
        }

        return cursor + count <= ours + MaxLease ? cursor : SlotStart(slot + 1);
    }

    private ulong SlotStart(ulong milliseconds) => (milliseconds << TimeShift) | (_index << IndexShift);

    private ulong NowMilliseconds() => (ulong)Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds());
}
