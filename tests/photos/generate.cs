#:project ../ScratchNet.TestSupport/ScratchNet.TestSupport.csproj
// Writes the photo-condition test set: the first COUNT t10k images of MNIST (and Fashion-MNIST, as product photos)
// rendered under each of ScratchNet.TestSupport.PhotoConditions' conditions, one file each, named
// CONDITION-INDEX-LABEL.EXT so tests/photos/score.py can read the truth from the name. Nothing here is committed
// but this code: the digits come from the dataset cache (~/.cache/scratchnet, filled by any train run).
//   dotnet run tests/photos/generate.cs -- OUT [COUNT] [CACHE]
using ScratchNet.Data.Idx;
using ScratchNet.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: dotnet run tests/photos/generate.cs -- OUT [COUNT] [CACHE]");
    return 2;
}

string output = args[0];
int count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30;
string cache = args.Length > 2 ? args[2] : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "scratchnet");
Directory.CreateDirectory(Path.Combine(output, "mnist"));
Directory.CreateDirectory(Path.Combine(output, "fashion-mnist"));

foreach (string dataset in new[] { "mnist", "fashion-mnist" })
{
    // Fashion-MNIST is cached only once a run has used it; its half of the set is optional, MNIST's is not.
    if (!File.Exists(Path.Combine(cache, dataset, "t10k-images-idx3-ubyte")))
    {
        Console.Error.WriteLine($"{dataset} is not in {cache} (a train with --Data:Dataset={dataset} caches it)"
            + (dataset == "mnist" ? ": train once, or give the cache folder as the third argument" : ": its pictures are left out"));
        if (dataset == "mnist")
        {
            return 2;
        }

        continue;
    }

    IdxArray images = IdxReader.Read(Path.Combine(cache, dataset, "t10k-images-idx3-ubyte"));
    IdxArray labels = IdxReader.Read(Path.Combine(cache, dataset, "t10k-labels-idx1-ubyte"));
    string[] conditions = dataset == "mnist" ? [.. PhotoConditions.All] : ["png28", "product-photo"];
    foreach (string condition in conditions)
    {
        // The plain PNGs are cheap and the baseline every other row is compared with: ten times as many.
        int n = condition == "png28" ? count * 10 : count;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> pixels = images.Data.AsSpan(i * 784, 784);
            using Image<Rgba32> image = condition == "product-photo" ? PhotoConditions.ProductPhoto(pixels) : PhotoConditions.Render(condition, pixels);
            string extension = condition == "product-photo" ? ".png" : PhotoConditions.Extension(condition);
            string path = Path.Combine(output, dataset, $"{condition}-{i:D4}-{labels.Data[i]}{extension}");
            if (extension == ".jpg")
            {
                image.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
            }
            else
            {
                image.SaveAsPng(path);
            }
        }
    }
}

Console.WriteLine($"wrote {Directory.GetFiles(output, "*", SearchOption.AllDirectories).Length} images under {output}");
return 0;
