using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Explorer;

public sealed class ExplorerEndpointTests
{
    private TempDirectory _temp = null!;
    private string _runs = null!;
    private InProcessDashboard _dashboard = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        _runs = _temp.Combine("runs");
        TestModels.WriteRun(_runs, "with-model", 2, 0.5, withModel: true);
        TestModels.WriteRun(_runs, "without-model", 2, 0.5);
        _dashboard = await InProcessDashboard.StartAsync(new DashboardSources(_runs, TestModels.SaveStrokeModel(_temp.Combine("given.snm"))));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }

    private Task<HttpResponseMessage> Explore(byte[] image, string query = "")
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return _dashboard.Client.PostAsync("/api/model/explore" + query, content);
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetSingle())];

    [Test]
    public async Task Models_ListTheGivenFileFirst_ThenEveryRunWithAModel()
    {
        JsonElement models = await Body(await _dashboard.Client.GetAsync("/api/models"));

        Assert.That(models.GetArrayLength(), Is.EqualTo(2));
        Assert.That(models[0].GetProperty("run").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(models[0].GetProperty("label").GetString(), Is.EqualTo("given.snm"));
        Assert.That(models[1].GetProperty("run").GetString(), Is.EqualTo("with-model"));
    }

    [TestCase("", TestModels.VerticalClass)]
    [TestCase("?run=with-model", TestModels.VerticalClass)]
    public async Task Explore_PreprocessesTheUpload_AndShowsEveryLayer(string query, int expected)
    {
        HttpResponseMessage response = await Explore(StrokeImages.Vertical(), query);
        JsonElement trace = await Body(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), trace.ToString());
        Assert.That(trace.GetProperty("predicted").GetInt32(), Is.EqualTo(expected));
        Assert.That(trace.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 1, 28, 28 }));
        float[] input = Floats(trace.GetProperty("input"));
        Assert.That(input, Has.Length.EqualTo(784));
        Assert.That(input.Max(), Is.EqualTo(1f).Within(1e-6), "contrast stretched as MNIST's");
        JsonElement layers = trace.GetProperty("layers");
        Assert.That(layers.EnumerateArray().Select(l => l.GetProperty("layer").GetProperty("kind").GetString()), Is.EqualTo(new[] { "dense", "activation", "dense" }));
        Assert.That(layers.EnumerateArray().Select(l => l.GetProperty("output").GetArrayLength()), Is.EqualTo(new[] { 2, 2, 10 }));
        Assert.That(Floats(trace.GetProperty("probabilities")).Sum(), Is.EqualTo(1f).Within(1e-5));
        Assert.That(trace.GetProperty("inputGradient").ValueKind, Is.EqualTo(JsonValueKind.Null), "no label, no backward pass");
    }

    [Test]
    public async Task Explore_MakesTheUploadAnImageOfTheModelsOwnSize()
    {
        // A model trained on a folder of 20 × 20 IDX images: the upload becomes 400 pixels, as predict would make it.
        string folder = TestModels.WriteRun(_runs, "twenty", 1, 0.5);
        var network = ScratchNet.Core.Layers.Sequential.Mlp([400, 4, 3], "relu", "he_normal", 3, 1);
        ScratchNet.Models.ModelFile.Save(ScratchNet.Models.SavedModel.FromNetwork(network, new Dictionary<string, string> { ["Data:Dataset"] = "idx" }, null), Path.Combine(folder, "model.snm"), ScratchNet.Models.ModelFormat.Native);

        HttpResponseMessage response = await Explore(StrokeImages.Vertical(), "?run=twenty");
        JsonElement trace = await Body(response);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), trace.ToString());
        Assert.That(trace.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 1, 20, 20 }));
        Assert.That(Floats(trace.GetProperty("input")), Has.Length.EqualTo(400));
    }

    [Test]
    public async Task Explore_TellsAHorizontalStrokeFromAVerticalOne()
    {
        JsonElement trace = await Body(await Explore(StrokeImages.Horizontal()));

        Assert.That(trace.GetProperty("predicted").GetInt32(), Is.EqualTo(TestModels.HorizontalClass));
    }

    [Test]
    public async Task Explore_WithALabel_RunsTheBackwardPass()
    {
        const int Label = 7;
        JsonElement trace = await Body(await Explore(StrokeImages.Vertical(), $"?label={Label}"));

        float[] p = Floats(trace.GetProperty("probabilities"));
        Assert.That(trace.GetProperty("loss").GetDouble(), Is.EqualTo(-Math.Log(p[Label])).Within(1e-5));
        float[] dLogits = Floats(trace.GetProperty("layers")[2].GetProperty("outputGradient"));
        float[] expected = [.. p.Select((v, k) => k == Label ? v - 1f : v)];
        Assert.That(dLogits, Is.EqualTo(expected).Within(1e-6f), "dL/dlogits = P − Y");

        // dense1's input gradient is dLogits · W1ᵀ: hidden unit 0 feeds class 1 with +1 and class 4 with −1.
        float[] dHidden = Floats(trace.GetProperty("layers")[1].GetProperty("outputGradient"));
        Assert.That(dHidden[0], Is.EqualTo(dLogits[TestModels.VerticalClass] - dLogits[TestModels.HorizontalClass]).Within(1e-6f));
        float[] saliency = Floats(trace.GetProperty("inputGradient"));
        Assert.That(saliency, Has.Length.EqualTo(784));
        Assert.That(saliency.Any(v => v != 0f), Is.True);
    }

    [Test]
    public async Task Weights_GiveAUnitsIncomingWeights_AsAnImageForTheFirstLayer()
    {
        JsonElement unit = await Body(await _dashboard.Client.GetAsync("/api/model/weights?layer=0&unit=1"));

        float[] weights = Floats(unit.GetProperty("weights"));
        Assert.That(unit.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 1, 28, 28 }));
        Assert.That(weights[(14 * 28) + 4], Is.EqualTo(1f), "unit 1 reads the row left of the centre");
        Assert.That(weights[(4 * 28) + 14], Is.EqualTo(0f));
    }

    [TestCase("/api/model/weights?layer=1&unit=0", "not a dense layer")]
    [TestCase("/api/model/weights?layer=0&unit=2", "units 0 to 1")]
    [TestCase("/api/model/weights?layer=-1&unit=0", "not a dense layer")]
    [TestCase("/api/model/weights?layer=-1", "layer -1 is not a dense layer")]
    public async Task Weights_RefuseALayerOrUnitTheModelDoesNotHave(string url, string message)
    {
        HttpResponseMessage response = await _dashboard.Client.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.Contain(message));
    }

    [TestCase("/api/model/weights?layer=abc&unit=0", "layer must be a whole number, given once; got 'abc'")]
    [TestCase("/api/model/weights?layer=99999999999&unit=0", "layer must be a whole number")]
    [TestCase("/api/model/weights?layer=0x1&unit=0", "layer must be a whole number")]
    [TestCase("/api/model/weights?unit=0", "layer is missing")]
    [TestCase("/api/model/weights?layer=0", "unit is missing")]
    public async Task Weights_SayWhatIsWrongWithAQueryValue_InTheDocumentedShape(string url, string message)
    {
        HttpResponseMessage response = await _dashboard.Client.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.Contain(message));
    }

    // Link checkers and curl -I ask with HEAD.
    [TestCase("/")]
    [TestCase("/assets/app.js")]
    public async Task ThePageAnswersHead(string url)
    {
        HttpResponseMessage response = await _dashboard.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("?label=abc")]
    [TestCase("?label=1.5")]
    [TestCase("?label=2147483648")]
    public async Task Explore_SaysWhatIsWrongWithALabelThatIsNotANumber(string query)
    {
        HttpResponseMessage response = await Explore(StrokeImages.Vertical(), query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.StartWith("label must be a whole number"));
    }

    [TestCase("?run=without-model")]
    [TestCase("?run=nope")]
    [TestCase("?run=..")]
    [TestCase("?run=..%2F..%2Fgiven.snm")]
    [TestCase("?run=%2Ftmp")]
    [TestCase("?run=with-model%00")]
    public async Task Model_IsNotFound_ForARunWithoutOne_OrANameOutsideTheRunsFolder(string query)
    {
        HttpResponseMessage response = await _dashboard.Client.GetAsync("/api/model" + query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Explore_RefusesAnImageLargerThanPredictAccepts()
    {
        // 4097 × 4097 white pixels compress to a small file; the pixel count is what is refused, before decoding.
        HttpResponseMessage response = await Explore(StrokeImages.Png(4097, 4097, (_, _) => false));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.Contain("4097×4097").And.Contain("scale it down"));
    }

    [Test]
    public async Task Explore_RefusesAnUploadOverTheByteLimit()
    {
        HttpResponseMessage response = await Explore(new byte[(16 << 20) + 1]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [TestCase("not an image")]
    [TestCase("")]
    public async Task Explore_SaysWhatIsWrong_WithSomethingThatIsNotAnImage(string body)
    {
        HttpResponseMessage response = await Explore(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.Contain("not a readable image"));
    }

    [Test]
    public async Task Explore_SaysABlankCanvasIsBlank()
    {
        HttpResponseMessage response = await Explore(StrokeImages.Png(280, (_, _) => false));

        Assert.That((await Body(response)).GetProperty("error").GetString(), Does.Contain("looks blank"));
    }

    [Test]
    public async Task Explore_RefusesALabelTheModelDoesNotHave()
    {
        HttpResponseMessage response = await Explore(StrokeImages.Vertical(), "?label=10");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Body(response)).GetProperty("error").GetString(), Is.EqualTo("the label must be a class between 0 and 9"));
    }

    [Test]
    public async Task AModelOfNonSquareImages_ShowsItsInputAsItsOwnHeightAndWidth_WithTheDatasetsClassNames()
    {
        // 1 × 12 × 20 images → conv (2 channels, 3 × 3, pad 1) → flatten → dense 3, as an IDX set of such images trains it.
        var input = new ScratchNet.Core.Layers.Shape(1, 12, 20);
        var conv = new ScratchNet.Core.Layers.Conv2D("conv0", input, 2, 3, 3, 1, 1, 1);
        var flatten = new ScratchNet.Core.Layers.Flatten("flatten0", conv.OutputShape, 1);
        var dense = new ScratchNet.Core.Layers.Dense("dense0", flatten.OutputShape.Size, 3, 1);
        var network = new ScratchNet.Core.Layers.Sequential([conv, flatten, dense]);
        TestModels.WriteRun(_runs, "idx-12x20", 1, 0.5);
        ScratchNet.Models.ModelFile.Save(
            ScratchNet.Models.SavedModel.FromNetwork(network, new Dictionary<string, string> { ["Data:Dataset"] = "idx", ["Data:ClassNames"] = "ring,bar,dot" }, null),
            Path.Combine(_runs, "idx-12x20", "model.snm"), ScratchNet.Models.ModelFormat.Native);

        JsonElement model = await Body(await _dashboard.Client.GetAsync("/api/model?run=idx-12x20"));
        JsonElement trace = await Body(await Explore(StrokeImages.Png(200, 120, (x, y) => Math.Abs(y - 60) < 8 && x is > 40 and < 160), "?run=idx-12x20&label=1"));

        Assert.That(model.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 1, 12, 20 }));
        Assert.That(model.GetProperty("classNames").EnumerateArray().Select(v => v.GetString()), Is.EqualTo(new[] { "ring", "bar", "dot" }));
        Assert.That(trace.GetProperty("inputShape").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 1, 12, 20 }));
        Assert.That(trace.GetProperty("inputGradient").GetArrayLength(), Is.EqualTo(240));
    }

    [Test]
    public async Task ADamagedModelIsNamedAsInTheRunsFolder_NotByTheServersPath()
    {
        TestModels.WriteRun(_runs, "damaged", 1, 0.5);
        File.WriteAllText(Path.Combine(_runs, "damaged", "model.snm"), "not a model");

        HttpResponseMessage response = await _dashboard.Client.GetAsync("/api/model?run=damaged");
        string error = (await Body(response)).GetProperty("error").GetString()!;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(error, Does.Contain("damaged/model.snm"));
        Assert.That(error, Does.Not.Contain(_temp.Path));
    }

    [Test]
    public async Task Requests_ForAnotherHostName_AreRefused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        request.Headers.Host = "attacker.example";

        HttpResponseMessage response = await _dashboard.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ThePageAndTheChartLibraryAreServedFromTheAssembly()
    {
        HttpResponseMessage page = await _dashboard.Client.GetAsync("/");
        HttpResponseMessage uplot = await _dashboard.Client.GetAsync("/assets/vendor/uPlot.iife.min.js");
        HttpResponseMessage missing = await _dashboard.Client.GetAsync("/assets/../../etc/passwd");

        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("assets/vendor/uPlot.iife.min.js"));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'self'"));
        Assert.That(uplot.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await uplot.Content.ReadAsStringAsync(), Does.Contain("uPlot"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
