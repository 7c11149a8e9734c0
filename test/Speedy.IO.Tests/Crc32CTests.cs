using System.Text;

namespace Speedy.IO.Tests;

public class Crc32CTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Compute_OfKnownInput_MatchesTheCastagnoliCheckValue(string text, uint expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);

        Assert.Equal(expected, Crc32C.Compute(bytes));
        Assert.Equal(expected, Crc32C.AppendPortable(0, bytes));
    }

    [Fact]
    public void Compute_OfThirtyTwoZeroBytes_MatchesRfc3720()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void Compute_AtEveryLengthAndAlignment_MatchesThePortablePath()
    {
        var bytes = new byte[300];
        new Random(42).NextBytes(bytes);
        for (var start = 0; start < 8; start++)
        {
            for (var length = 0; length + start <= bytes.Length; length += 7)
            {
                var span = bytes.AsSpan(start, length);
                Assert.Equal(Crc32C.AppendPortable(0, span), Crc32C.Compute(span));
            }
        }
    }

    [Theory]
    [InlineData(3 * 256)]
    [InlineData(4096)]
    [InlineData(3 * 8192 - 1)]
    [InlineData(3 * 8192)]
    [InlineData(3 * 8192 + 5)]
    [InlineData(6 * 8192 + 8)]
    [InlineData(1_000_003)]
    public void Compute_OfInputsLongEnoughForThreeLanes_MatchesThePortablePath(int length)
    {
        var bytes = new byte[length + 3];
        new Random(length).NextBytes(bytes);
        for (var start = 0; start < 4; start++)
        {
            var span = bytes.AsSpan(start, length);
            Assert.Equal(Crc32C.AppendPortable(0x1234_5678, span), Crc32C.Append(0x1234_5678, span));
        }
    }

    [Theory]
    [InlineData(333)]
    [InlineData(33_333)]
    public void Append_PieceByPiece_EqualsComputeOfTheWhole(int piece)
    {
        var bytes = new byte[100_000];
        new Random(7).NextBytes(bytes);
        var crc = 0u;
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            crc = Crc32C.Append(crc, bytes.AsSpan(offset, Math.Min(piece, bytes.Length - offset)));
        }

        Assert.Equal(Crc32C.Compute(bytes), crc);
    }
}
