namespace Speedy.LoadTest;

/// <summary>
/// One client pulling an image as docker does: the manifest by tag, the config, then the layers a few at a time,
/// each layer read through its worker's small buffer and checked for length. Reused for every pull of the client.
/// </summary>
internal sealed class ImagePuller
{
    private const int LayerBufferBytes = 16 * 1024;

    private readonly RegistryClient _client;
    private readonly TestImage _image;
    private readonly StepRecorder _recorder;
    private readonly byte[] _small;
    private readonly byte[][] _layerBuffers;

    public ImagePuller(RegistryClient client, TestImage image, int parallelism, StepRecorder recorder)
    {
        _client = client;
        _image = image;
        _recorder = recorder;
        _small = new byte[Math.Max(image.Manifest.Length, image.Config.Length) + 1];
        _layerBuffers = new byte[Math.Min(parallelism, image.Layers.Count)][];
        for (var i = 0; i < _layerBuffers.Length; i++)
        {
            _layerBuffers[i] = new byte[LayerBufferBytes];
        }
    }

    public async Task PullAsync(CancellationToken cancellationToken)
    {
        await _client.GetManifestAsync(_image.ManifestUri, _image.Manifest, _image.ManifestDigest, _small, _recorder, cancellationToken);
        await _client.GetSmallBlobAsync(_image.ConfigUri, _image.Config, _small, _recorder, cancellationToken);
        await Workers.ForEachAsync(_image.Layers.Count, _layerBuffers.Length, (worker, index) =>
        {
            var layer = _image.Layers[index];
            return _client.GetBlobAsync(_image.LayerUris[index], layer.Length, layer.Sha256, _layerBuffers[worker], null, _recorder, cancellationToken);
        });
    }
}
