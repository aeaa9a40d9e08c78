using System.Buffers.Binary;
using System.IO.Compression;

namespace BigLearn.Core.Images;

/// <summary>
/// Reads the IDX format of (Fashion-)MNIST: a big-endian header (0x00 0x00, type code 0x08 for unsigned bytes,
/// the number of dimensions, then each dimension as a 32-bit integer) followed by the bytes. Files may be gzipped
/// (detected by their magic number, not their name).
/// </summary>
public static class IdxReader
{
    /// <summary>Reads an image file (3 dimensions) and its label file (1 dimension) into an <see cref="ImageSet"/>.</summary>
    /// <exception cref="ImageDataException">A file is missing, truncated, not IDX, or the two files disagree.</exception>
    public static ImageSet Read(string name, string imagesPath, string labelsPath)
    {
        var (imageDims, imageBytes) = ReadArray(imagesPath);
        var (labelDims, labels) = ReadArray(labelsPath);
        if (imageDims.Length != 3) throw new ImageDataException($"{imagesPath}: expected 3 dimensions (count, rows, columns), found {imageDims.Length}");
        if (labelDims.Length != 1) throw new ImageDataException($"{labelsPath}: expected 1 dimension (count), found {labelDims.Length}");
        if (imageDims[0] != labelDims[0])
            throw new ImageDataException($"{imagesPath} holds {imageDims[0]} images but {labelsPath} holds {labelDims[0]} labels");
        var pixels = new float[imageBytes.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = imageBytes[i] / 255f;
        return new ImageSet(name, imageDims[1], imageDims[2], pixels, labels);
    }

    /// <summary>Reads one IDX array of unsigned bytes: its dimensions and its data.</summary>
    /// <exception cref="ImageDataException">The file is missing, truncated or not an unsigned-byte IDX file.</exception>
    public static (int[] Dimensions, byte[] Data) ReadArray(string path)
    {
        if (!File.Exists(path)) throw new ImageDataException($"{path}: file not found");
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
            if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
            {
                using var input = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                raw = output.ToArray();
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ImageDataException($"{path}: cannot read ({e.Message})", e);
        }
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0)
            throw new ImageDataException($"{path}: not an IDX file (it must start with two zero bytes)");
        if (raw[2] != 0x08) throw new ImageDataException($"{path}: IDX type code 0x{raw[2]:x2} is not supported (only 0x08, unsigned bytes)");
        int rank = raw[3];
        if (rank < 1 || raw.Length < 4 + 4 * rank) throw new ImageDataException($"{path}: truncated IDX header");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * d, 4));
            if (dims[d] < 0) throw new ImageDataException($"{path}: negative dimension {dims[d]}");
            count *= dims[d];
        }
        int offset = 4 + 4 * rank;
        if (raw.Length - offset != count)
            throw new ImageDataException($"{path}: the header promises {count} values but the file holds {raw.Length - offset}");
        return (dims, raw.AsSpan(offset).ToArray());
    }
}
