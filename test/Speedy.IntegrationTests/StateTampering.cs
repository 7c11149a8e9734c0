namespace Speedy.IntegrationTests;

/// <summary>Ways a client (or an attacker) can damage the signed `_state` of an upload Location.</summary>
public enum StateTampering
{
    MiddleCharacterChanged,
    LastCharacterChanged,
    LastCharacterDropped,
    CharacterAppended,
    NotBase64,
    Empty,
}
