using System.Text.Json.Serialization;
using Speedy.Index.Events;
using Speedy.Index.Keys;
using Speedy.Index.Tokens;

namespace Speedy.Index;

/// <summary>The index's JSON, source-generated.</summary>
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(JwksDocument))]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(EventResult))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;
