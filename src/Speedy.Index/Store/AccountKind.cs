namespace Speedy.Index.Store;

/// <summary>What an account is: a person who signs in, or a robot (a namespace's credential for automation).</summary>
public enum AccountKind
{
    User = 0,
    Robot = 1,
}
