using Speedy.Index.Store;

namespace Speedy.Index.Tests;

public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task CreateRobot_StoresItsNameSecretRightsAndExpiry()
    {
        await UserAsync("team");
        var expires = Clock.UtcNow.AddDays(30);

        var robot = await Store.CreateRobotAsync(Robot("team", "ci", expires), Token);

        Assert.NotNull(robot);
        var stored = await Store.GetAccountAsync("robot$team+ci", Token);
        Assert.NotNull(stored);
        Assert.Equal(robot.Id, stored.Id);
        Assert.Equal(AccountKind.Robot, stored.Kind);
        Assert.Equal("team", stored.Namespace);
        Assert.Equal(expires, stored.ExpiresAt);
        Assert.Equal("sha-teamci", stored.SecretHash);
        Assert.Equal("builds", stored.Description);
        Assert.Collection(
            stored.Rights,
            right => Assert.Equal("*:pull", $"{right.Repository}:{string.Join(',', right.Actions)}"),
            right => Assert.Equal("app:pull,push", $"{right.Repository}:{string.Join(',', right.Actions)}"));
        Assert.False(stored.IsExpiredAt(Clock.UtcNow));
        Assert.True(stored.IsExpiredAt(expires));
    }

    [Fact]
    public async Task CreateRobot_InAMissingNamespaceIsNull_AndTwiceConflicts()
    {
        await UserAsync("team");
        Assert.Null(await Store.CreateRobotAsync(Robot("nowhere", "ci"), Token));
        await Store.CreateRobotAsync(Robot("team", "ci"), Token);
        await Assert.ThrowsAsync<IndexConflictException>(() => Store.CreateRobotAsync(Robot("team", "ci"), Token));
    }

    [Fact]
    public async Task SetRobotRights_ReplacesThem_AndDeleteRobotRemovesIt()
    {
        var user = await UserAsync("team");
        var robot = await Store.CreateRobotAsync(Robot("team", "ci"), Token);
        Assert.NotNull(robot);

        Assert.True(await Store.SetRobotRightsAsync(robot.Id, [new RobotRight("web", ["delete"])], Token));
        Assert.False(await Store.SetRobotRightsAsync(user.Id, [], Token));
        var right = Assert.Single((await Store.GetAccountAsync(robot.Id, Token))!.Rights);
        Assert.Equal(new[] { "delete" }, right.Actions);

        Assert.False(await Store.DeleteRobotAsync(user.Id, Token));
        Assert.True(await Store.DeleteRobotAsync(robot.Id, Token));
        Assert.Null(await Store.GetAccountAsync(robot.Id, Token));
        Assert.False(await Store.DeleteRobotAsync(robot.Id, Token));
    }

    [Fact]
    public async Task Robots_CannotBeMembers()
    {
        await UserAsync("team");
        var robot = await Store.CreateRobotAsync(Robot("team", "ci"), Token);

        Assert.False(await Store.SetMemberAsync("team", robot!.Id, NamespaceRole.Reader, Token));
    }
}
