using Microsoft.Extensions.Logging.Abstractions;
using Speedy.Testing;

namespace Speedy.Auth.Tests;

/// <summary>The htpasswd reader and the Basic authenticator over it, on real files and real bcrypt.</summary>
public sealed class HtpasswdTests : IDisposable
{
    private readonly TempDirectory _temp = TempDirectory.Create("htpasswd");
    private readonly ManualClock _clock = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A bcrypt line as <c>htpasswd -B</c> writes it (<c>$2y$</c>, which is <c>$2b$</c> under another name).</summary>
    internal static string Line(string user, string password, string prefix = "$2y$") =>
        $"{user}:{prefix}{BCrypt.Net.BCrypt.HashPassword(password, 4)[4..]}";

    [Fact]
    public void Verify_GoodWrongAndUnknown_AnswerAccordingly()
    {
        var file = HtpasswdFile.Parse(string.Join('\n', "# users", Line("alice", "secret"), string.Empty, Line("bob", "hunter2", "$2a$"), Line("carol", "pw", "$2b$")), "test");
        Assert.Equal(3, file.Count);
        Assert.True(file.Verify("alice", "secret"));
        Assert.True(file.Verify("bob", "hunter2"));
        Assert.True(file.Verify("carol", "pw"));
        Assert.False(file.Verify("alice", "Secret"));
        Assert.False(file.Verify("alice", string.Empty));
        Assert.False(file.Verify("Alice", "secret"));
        Assert.False(file.Verify("mallory", "secret"));
    }

    [Theory]
    [InlineData("alice:$apr1$Vx5Lq7yR$ZPjTUR0Nsh5Hc/N0FMBT/.", "MD5")]
    [InlineData("alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", "SHA-1")]
    [InlineData("alice:$6$salt$IxDD3jeSOb5eB1CX5LBsqZFVkJdido3OUILO5Ifz5iwMuTS4XMS130MTSuDDl3aCI6WouIL9AjRbLCelDCy.g.", "SHA-crypt")]
    [InlineData("alice:rl4rxk7s2Ok4w", "not a recognized hash")]
    [InlineData("alice:secret", "not a recognized hash")]
    [InlineData("alice:$2y$10$tooshort", "malformed bcrypt")]
    [InlineData("alice:$2x$04$abcdefghijklmnopqrstuuN8gkz8rMpmj3DchJ8a7uB2NGqlPG2Re", "malformed bcrypt")]
    [InlineData("alice", "expected user:hash")]
    [InlineData(":$2y$04$abcdefghijklmnopqrstuuN8gkz8rMpmj3DchJ8a7uB2NGqlPG2Re", "expected user:hash")]
    public void Parse_LineThatIsNotBcrypt_IsRefusedWithItsLineNumber(string line, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => HtpasswdFile.Parse(Line("bob", "pw") + "\n" + line + "\n", "users.htpasswd"));
        Assert.Contains("users.htpasswd line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UserListedTwice_IsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => HtpasswdFile.Parse(Line("alice", "a") + "\n" + Line("alice", "b"), "f"));
        Assert.Contains("listed twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WindowsLineEndings_AreRead()
    {
        var file = HtpasswdFile.Parse(Line("alice", "secret") + "\r\n" + Line("bob", "pw") + "\r\n", "f");
        Assert.True(file.Verify("bob", "pw"));
    }

    [Fact]
    public void Authenticator_MissingFile_IsRefusedAtConstruction() =>
        Assert.Throws<FileNotFoundException>(() => new HtpasswdAuthenticator(_temp.Combine("nope"), _clock, NullLogger<HtpasswdAuthenticator>.Instance));

    [Fact]
    public void Authenticator_ChangedFile_IsReloadedAndTheCacheForgotten()
    {
        var path = _temp.Combine("users");
        File.WriteAllText(path, Line("alice", "old") + "\n");
        var authenticator = new HtpasswdAuthenticator(path, _clock, NullLogger<HtpasswdAuthenticator>.Instance);
        Assert.True(authenticator.Authenticate("alice", "old"));
        Assert.True(authenticator.Authenticate("alice", "old"));

        File.WriteAllText(path, Line("alice", "new") + "\n" + Line("bob", "pw") + "\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        _clock.Advance(HtpasswdAuthenticator.ReloadCheckInterval);
        Assert.False(authenticator.Authenticate("alice", "old"));
        Assert.True(authenticator.Authenticate("alice", "new"));
        Assert.True(authenticator.Authenticate("bob", "pw"));
    }

    [Fact]
    public void Authenticator_ChangeThatDoesNotParse_KeepsTheUsersReadBefore()
    {
        var path = _temp.Combine("users");
        File.WriteAllText(path, Line("alice", "secret") + "\n");
        var authenticator = new HtpasswdAuthenticator(path, _clock, NullLogger<HtpasswdAuthenticator>.Instance);

        File.WriteAllText(path, "alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        _clock.Advance(HtpasswdAuthenticator.ReloadCheckInterval);
        Assert.True(authenticator.Authenticate("alice", "secret"));
        Assert.False(authenticator.Authenticate("alice", "wrong"));
    }

    [Fact]
    public void Authenticator_WrongPassword_IsNeverServedFromTheCache()
    {
        var path = _temp.Combine("users");
        File.WriteAllText(path, Line("alice", "secret") + "\n");
        var authenticator = new HtpasswdAuthenticator(path, _clock, NullLogger<HtpasswdAuthenticator>.Instance);
        Assert.True(authenticator.Authenticate("alice", "secret"));
        Assert.False(authenticator.Authenticate("alice", "secret "));
        Assert.False(authenticator.Authenticate("alice:secret", string.Empty));
        Assert.False(authenticator.Authenticate("bob", "secret"));
        _clock.Advance(HtpasswdAuthenticator.CacheLifetime);
        Assert.True(authenticator.Authenticate("alice", "secret"));
    }
}
