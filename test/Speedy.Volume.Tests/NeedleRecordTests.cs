using Speedy.Volume.Format;

namespace Speedy.Volume.Tests;

public class NeedleRecordTests
{
    private static readonly NeedleId s_id = new(0x1234_5678_9abc);
    private static readonly Cookie s_cookie = new(0xdeadbeef);

    public static TheoryData<int> DataLengths => [0, 1, 3, 4, 5, 12, 100, 4096];

    private static byte[] Record(int dataLength, NeedleKind kind = NeedleKind.Live)
    {
        var data = new byte[dataLength];
        new Random(dataLength).NextBytes(data);
        var record = new byte[NeedleHeader.RecordSize(dataLength)];
        Assert.Equal(record.Length, NeedleRecord.Encode(kind, s_id, s_cookie, data, record));
        return record;
    }

    [Theory]
    [MemberData(nameof(DataLengths))]
    public void Encode_ThenCheck_IsValidAndPaddedToEightBytes(int dataLength)
    {
        var record = Record(dataLength);

        Assert.Equal(0, record.Length % NeedleHeader.Alignment);
        Assert.Equal(RecordCheck.Valid, NeedleRecord.Check(record, out var header));
        Assert.Equal(new NeedleHeader(NeedleKind.Live, s_id, s_cookie, (uint)dataLength), header);
    }

    [Theory]
    [InlineData(0, 40)]
    [InlineData(4, 40)]
    [InlineData(5, 48)]
    [InlineData(4096, 4136)]
    public void RecordSize_IsHeaderDataChecksumAndPadding(int dataLength, int expected)
    {
        Assert.Equal(expected, NeedleHeader.RecordSize(dataLength));
    }

    [Theory]
    [MemberData(nameof(DataLengths))]
    public void Check_OfEveryTruncatedPrefix_IsTruncated(int dataLength)
    {
        var record = Record(dataLength);
        for (var length = 0; length < record.Length; length++)
        {
            Assert.Equal(RecordCheck.Truncated, NeedleRecord.Check(record.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void Check_OfEveryBitFlippedInTheHeader_IsBadHeader()
    {
        var record = Record(100);
        for (var bit = 0; bit < NeedleHeader.Size * 8; bit++)
        {
            record[bit / 8] ^= (byte)(1 << (bit % 8));
            var check = NeedleRecord.Check(record, out _);
            record[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.True(check == RecordCheck.BadHeader, $"bit {bit}: {check}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(4096)]
    public void Check_OfEveryBitFlippedInTheDataAndChecksum_IsBadData(int dataLength)
    {
        var record = Record(dataLength);
        var checkedEnd = NeedleHeader.Size + dataLength + NeedleHeader.TrailerSize;
        for (var bit = NeedleHeader.Size * 8; bit < checkedEnd * 8; bit += dataLength > 100 ? 13 : 1)
        {
            record[bit / 8] ^= (byte)(1 << (bit % 8));
            var check = NeedleRecord.Check(record, out _);
            record[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.True(check == RecordCheck.BadData, $"bit {bit}: {check}");
        }
    }

    [Fact]
    public void Check_OfNonZeroPadding_IsBadData()
    {
        var record = Record(5);
        record[^1] = 1;

        Assert.Equal(RecordCheck.BadData, NeedleRecord.Check(record, out _));
    }

    [Fact]
    public void Check_OfZeroes_IsBadHeader()
    {
        Assert.Equal(RecordCheck.BadHeader, NeedleRecord.Check(new byte[64], out _));
    }

    [Fact]
    public void Check_OfTombstone_IsValidWithNoData()
    {
        var record = Record(0, NeedleKind.Tombstone);

        Assert.Equal(RecordCheck.Valid, NeedleRecord.Check(record, out var header));
        Assert.Equal(NeedleKind.Tombstone, header.Kind);
    }

    [Fact]
    public void TryRead_OfATombstoneClaimingData_Fails()
    {
        var header = new byte[NeedleHeader.Size];
        new NeedleHeader(NeedleKind.Tombstone, s_id, s_cookie, 8).Write(header);

        Assert.False(NeedleHeader.TryRead(header, out _));
    }

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)4)]
    [InlineData((byte)255)]
    public void TryRead_OfAnUnknownKindWithAValidChecksum_Fails(byte kind)
    {
        var header = new byte[NeedleHeader.Size];
        new NeedleHeader((NeedleKind)kind, s_id, s_cookie, 0).Write(header);

        Assert.False(NeedleHeader.TryRead(header, out _));
    }

    [Fact]
    public void Check_OfFiller_IsValidWhateverItsDataHolds()
    {
        var record = new byte[200];
        new Random(1).NextBytes(record);
        new NeedleHeader(NeedleKind.Filler, s_id, s_cookie, NeedleHeader.FillerDataLength(record.Length)).Write(record);

        Assert.Equal(RecordCheck.Valid, NeedleRecord.Check(record, out var header));
        Assert.Equal(record.Length, header.RecordLength);
    }
}
