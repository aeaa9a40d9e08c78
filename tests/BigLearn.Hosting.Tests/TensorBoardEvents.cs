namespace BigLearn.Hosting.Tests;

/// <summary>
/// An independent reader of TensorBoard event files: TFRecord framing (u64 length, u32 CRC, data, u32 CRC) and the few
/// protobuf fields of <c>Event</c> (step = 2, file_version = 3, summary = 5) and <c>Summary.Value</c> (tag = 1, simple_value = 2).
/// </summary>
internal static class TensorBoardEvents
{
    public sealed record Record(long Step, string? FileVersion, string? Tag, float Value);

    public static IReadOnlyList<Record> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<Record>();
        int at = 0;
        while (at < bytes.Length)
        {
            long length = BitConverter.ToInt64(bytes, at);
            at += 8 + 4;
            records.Add(ParseEvent(bytes.AsSpan(at, (int)length)));
            at += (int)length + 4;
        }
        return records;
    }

    private static Record ParseEvent(ReadOnlySpan<byte> data)
    {
        long step = 0;
        string? version = null, tag = null;
        float value = float.NaN;
        foreach (var (field, wire, number, payload) in Fields(data.ToArray()))
        {
            if (field == 2 && wire == 0) step = (long)number;
            else if (field == 3 && wire == 2) version = System.Text.Encoding.UTF8.GetString(payload);
            else if (field == 5 && wire == 2)
                foreach (var (vf, vw, _, vp) in Fields(payload))
                    if (vf == 1 && vw == 2)
                        foreach (var (f, w, n, p) in Fields(vp))
                        {
                            if (f == 1 && w == 2) tag = System.Text.Encoding.UTF8.GetString(p);
                            if (f == 2 && w == 5) value = BitConverter.ToSingle(BitConverter.GetBytes((uint)n));
                        }
        }
        return new Record(step, version, tag, value);
    }

    private static IEnumerable<(int Field, int Wire, ulong Number, byte[] Payload)> Fields(byte[] data)
    {
        int at = 0;
        while (at < data.Length)
        {
            ulong key = Varint(data, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(data, ref at), []); break;
                case 1: yield return (field, wire, BitConverter.ToUInt64(data, at), []); at += 8; break;
                case 5: yield return (field, wire, BitConverter.ToUInt32(data, at), []); at += 4; break;
                case 2:
                    int length = (int)Varint(data, ref at);
                    yield return (field, wire, 0, data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int at)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[at++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
    }
}
