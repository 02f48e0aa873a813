using ScratchNet.Files;

namespace ScratchNet.Data.Imaging;

/// <summary>
/// The images in a folder given where an image is expected (<c>predict --model m.snm digits/</c>): its files whose names end
/// in an image format's extension, in ordinal order of their names, without descending into subfolders. A folder of scans
/// is the common way to have many digits; refusing it made every user write the glob.
/// </summary>
public static class ImageFolder
{
    /// <summary>The file name extensions taken as images: the formats read, and WebP, whose refusal says how to convert it.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(
        [".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".tif", ".tiff", ".tga", ".pbm", ".pgm", ".ppm", ".pnm", ".webp"],
        StringComparer.OrdinalIgnoreCase);

    /// <returns>The images' paths (the folder joined with each name), and the other entries' names (a subfolder's with a trailing '/').</returns>
    /// <exception cref="InputImageException">The folder cannot be listed, or holds no image file.</exception>
    public static (IReadOnlyList<string> Images, IReadOnlyList<string> Skipped) List(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(folder).GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new InputImageException($"The folder {ShownName.Of(folder)} cannot be listed ({e.Message}); give its images one by one, or make it readable.", e);
        }

        // Hidden files (".DS_Store", an editor's swap file) are nobody's images and not worth a note.
        var images = new List<string>();
        var skipped = new List<string>();
        foreach (FileSystemInfo entry in entries.Where(e => !e.Name.StartsWith('.')).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo)
            {
                skipped.Add(entry.Name + "/");
            }
            else if (Extensions.Contains(Path.GetExtension(entry.Name)))
            {
                images.Add(Path.Join(folder, entry.Name));
            }
            else
            {
                skipped.Add(entry.Name);
            }
        }

        return images.Count > 0 ? (images, skipped)
            : throw new InputImageException($"The folder {ShownName.Of(folder)} holds no image files (names ending in .png, .jpg, .gif, .bmp, .tif, .tga or .pgm/.ppm/.pbm; subfolders are not searched); give the images themselves, e.g. {ShownName.Of(Path.Join(folder, "*.png"))}");
    }
}
