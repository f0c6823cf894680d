namespace Ridcp.Tests.Imaging;

/// <summary>Adds a minimal EXIF APP1 segment holding only the orientation tag (0x0112) to a JPEG.</summary>
static class ExifJpeg
{
    public static byte[] WithOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,   // big-endian TIFF header, first IFD at offset 8
            0, 1,                                       // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1,               // tag 0x0112, type SHORT, count 1
            0, (byte)orientation, 0, 0,                 // value, left-justified
            0, 0, 0, 0,                                 // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }
}
