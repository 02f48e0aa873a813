using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScratchNet.Dashboard.Runs;
using ScratchNet.Dashboard.Tests.Support;

namespace ScratchNet.Dashboard.Tests.Runs;

public sealed class RunsEndpointTests
{
    private TempDirectory _temp = null!;
    private string _runs = null!;
    private InProcessDashboard _dashboard = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        _runs = _temp.Combine("runs");
        Directory.CreateDirectory(_runs);
        _dashboard = await InProcessDashboard.StartAsync(new DashboardSources(_runs));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dashboard.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<JsonElement> Json(string url, CancellationToken cancellation = default)
    {
        HttpResponseMessage response = await _dashboard.Client.GetAsync(url, cancellation);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
    }

    private async Task<string[]> ListedIds() => [.. (await Json("/api/runs")).EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];

    [Test]
    public async Task List_ShowsEveryFolderWithAHistory_WhateverItsNameLooksLike()
    {
        TestModels.WriteRun(_runs, "20260101-120000", 3, 0.9);
        TestModels.WriteRun(_runs, "01JD5X7Q-run-7f3a", 5, 0.8, withModel: true);
        Directory.CreateDirectory(Path.Combine(_runs, "checkpoints"));
        Directory.CreateDirectory(Path.Combine(_runs, "20260102-080000"));

        JsonElement runs = await Json("/api/runs");

        Assert.That(runs.EnumerateArray().Select(r => r.GetProperty("id").GetString()), Is.EqualTo(new[] { "01JD5X7Q-run-7f3a", "20260101-120000" }));
        JsonElement second = runs[0];
        Assert.That(second.GetProperty("epochs").GetInt32(), Is.EqualTo(5));
        Assert.That(second.GetProperty("validationAccuracy").GetDouble(), Is.EqualTo(0.88).Within(1e-12));
        Assert.That(second.GetProperty("hasModel").GetBoolean(), Is.True);
        Assert.That(runs[1].GetProperty("hasModel").GetBoolean(), Is.False);
    }

    // On Linux a backslash is an ordinary character of a folder's name: such a run was listed, and its details were a 404.
    [TestCase(@"back\slash-run")]
    [TestCase(@"<script>alert(1)<\script>")]
    public async Task EveryListedRun_CanBeOpened_WhateverCharactersItsNameHolds(string id)
    {
        TestModels.WriteRun(_runs, id, 2, 0.9, withModel: true);

        Assert.That(await ListedIds(), Is.EqualTo(new[] { id }));
        HttpResponseMessage details = await _dashboard.Client.GetAsync("/api/runs/" + Uri.EscapeDataString(id));
        HttpResponseMessage model = await _dashboard.Client.GetAsync("/api/model?run=" + Uri.EscapeDataString(id));

        Assert.That(details.StatusCode, Is.EqualTo(HttpStatusCode.OK), await details.Content.ReadAsStringAsync());
        Assert.That(model.StatusCode, Is.EqualTo(HttpStatusCode.OK), await model.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Details_GiveTheHistory_AndConfigJsonAsItIs()
    {
        TestModels.WriteRun(_runs, "a", 4, 0.5, configJson: """{ "Training:Epochs": { "value": "4", "source": "command line" } }""");

        JsonElement run = await Json("/api/runs/a");

        Assert.That(run.GetProperty("history").GetArrayLength(), Is.EqualTo(4));
        Assert.That(run.GetProperty("history")[3].GetProperty("valAcc").GetDouble(), Is.EqualTo(0.56).Within(1e-12));
        Assert.That(run.GetProperty("config").GetProperty("Training:Epochs").GetProperty("source").GetString(), Is.EqualTo("command line"));
    }

    [Test]
    public async Task ARunNamesItsHeldOutSet_FromMetricsJson_ElseFromItsDataSplit()
    {
        // Finished: metrics.json says which split the model was judged on.
        string finished = TestModels.WriteRun(_runs, "finished", 2, 0.9, configJson: """{ "Data:Split": { "value": "random", "source": "default" } }""");
        File.WriteAllText(Path.Combine(finished, "metrics.json"), """{ "dataset": "mnist", "split": "test", "rows": 10000, "accuracy": 0.95 }""");

        // Still training: no metrics.json yet, but the configuration it started with.
        TestModels.WriteRun(_runs, "official", 1, 0.9, configJson: """{ "Data:Split": { "value": "official", "source": "command line" } }""");
        TestModels.WriteRun(_runs, "random", 1, 0.9, configJson: """{ "Data:Split": { "value": "random", "source": "default" } }""");
        TestModels.WriteRun(_runs, "unknown", 1, 0.9);

        Dictionary<string, string?> listed = (await Json("/api/runs")).EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("heldOut").GetString());

        Assert.That(listed, Is.EqualTo(new Dictionary<string, string?> { ["finished"] = "test", ["official"] = "test", ["random"] = "validation", ["unknown"] = null }));
        Assert.That((await Json("/api/runs/finished")).GetProperty("heldOut").GetString(), Is.EqualTo("test"));
        Assert.That((await Json("/api/runs/official")).GetProperty("heldOut").GetString(), Is.EqualTo("test"));
        Assert.That((await Json("/api/runs/unknown")).GetProperty("heldOut").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    // config.json as a run writes it: every key, each a { value, source }.
    private static string Config(params (string Key, string Value)[] settings) =>
        "{ " + string.Join(", ", settings.Select(s => $"\"{s.Key}\": {{ \"value\": \"{s.Value}\", \"source\": \"default\" }}")) + " }";

    private static string RandomSplit(string seed = "42", string fraction = "0.2", string trainImages = "", string dataset = "mnist") =>
        Config(("Data:Dataset", dataset), ("Data:Directory", ""), ("Data:Split", "random"), ("Data:Seed", seed), ("Data:ValidationFraction", fraction), ("Data:TrainImages", trainImages));

    [Test]
    public async Task ARunsHeldOutSetIsTheSettingsThatChooseItsRows_TheDataTheSplitItsSeedAndFraction_NotTrainImages()
    {
        TestModels.WriteRun(_runs, "reference", 2, 0.9, configJson: RandomSplit());
        TestModels.WriteRun(_runs, "quick-try", 2, 0.9, configJson: RandomSplit(fraction: "0.20", trainImages: "1000"));
        TestModels.WriteRun(_runs, "other-seed", 2, 0.9, configJson: RandomSplit(seed: "7"));
        TestModels.WriteRun(_runs, "other-fraction", 2, 0.9, configJson: RandomSplit(fraction: "0.1"));
        TestModels.WriteRun(_runs, "fashion", 2, 0.9, configJson: RandomSplit(dataset: "Fashion-MNIST"));
        TestModels.WriteRun(_runs, "official", 2, 0.9, configJson: Config(("Data:Dataset", "mnist"), ("Data:Split", "official"), ("Data:Seed", "7")));
        TestModels.WriteRun(_runs, "idx", 2, 0.9, configJson: Config(("Data:Dataset", "idx"), ("Data:Directory", "/data/letters/"), ("Data:Split", "official")));
        TestModels.WriteRun(_runs, "idx-without-folder", 2, 0.9, configJson: Config(("Data:Dataset", "idx"), ("Data:Split", "official")));

        Dictionary<string, string?> sets = (await Json("/api/runs")).EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("heldOutSet").GetString());

        const string reference = "the random split of mnist with Data:Seed 42 and Data:ValidationFraction 0.2";
        Assert.That(sets, Is.EqualTo(new Dictionary<string, string?>
        {
            ["reference"] = reference,
            ["quick-try"] = reference,
            ["other-seed"] = "the random split of mnist with Data:Seed 7 and Data:ValidationFraction 0.2",
            ["other-fraction"] = "the random split of mnist with Data:Seed 42 and Data:ValidationFraction 0.1",
            ["fashion"] = "the random split of fashion-mnist with Data:Seed 42 and Data:ValidationFraction 0.2",
            ["official"] = "the official test set of mnist",
            ["idx"] = "the official test set of the IDX files in /data/letters",
            ["idx-without-folder"] = null,
        }));
        Assert.That((await Json("/api/runs/other-seed")).GetProperty("heldOutSet").GetString(), Is.EqualTo(sets["other-seed"]));
    }

    [Test]
    public async Task ARunWithoutConfigJsonTakesItsSetFromItsModelFile_ElseFromMetricsJson_ElseItIsUnknown()
    {
        // Before config.json: the model file's header records the Data settings.
        string old = TestModels.WriteRun(_runs, "20261126-023113", 2, 0.9);
        ScratchNet.Models.ModelFile.Save(
            TestModels.StrokeModel() with { Configuration = new Dictionary<string, string> { ["Data:Dataset"] = "mnist", ["Data:Seed"] = "42", ["Data:Split"] = "random", ["Data:ValidationFraction"] = "0.2" } },
            Path.Combine(old, "model.snm"), ScratchNet.Models.ModelFormat.Native);
        File.WriteAllText(Path.Combine(old, "metrics.json"), """{ "dataset": "mnist", "rows": 14000, "accuracy": 0.89 }""");

        // metrics.json alone names the official test set in full; a validation split it names only by its kind.
        File.WriteAllText(Path.Combine(TestModels.WriteRun(_runs, "test-only", 2, 0.9), "metrics.json"), """{ "dataset": "mnist", "split": "test", "rows": 10000 }""");
        File.WriteAllText(Path.Combine(TestModels.WriteRun(_runs, "validation-only", 2, 0.9), "metrics.json"), """{ "dataset": "mnist", "split": "validation", "rows": 14000 }""");
        TestModels.WriteRun(_runs, "nothing", 2, 0.9);

        Dictionary<string, (string? Name, string? Set)> listed = (await Json("/api/runs")).EnumerateArray().ToDictionary(
            r => r.GetProperty("id").GetString()!, r => (r.GetProperty("heldOut").GetString(), r.GetProperty("heldOutSet").GetString()));

        Assert.That(listed["20261126-023113"], Is.EqualTo(("validation", "the random split of mnist with Data:Seed 42 and Data:ValidationFraction 0.2")));
        Assert.That(listed["test-only"], Is.EqualTo(("test", "the official test set of mnist")));
        Assert.That(listed["validation-only"], Is.EqualTo(("validation", (string?)null)));
        Assert.That(listed["nothing"], Is.EqualTo(((string?)null, (string?)null)));
        Assert.That((await Json("/api/runs/20261126-023113")).GetProperty("heldOutSet").GetString(), Is.EqualTo(listed["20261126-023113"].Set));
    }

    [Test]
    public async Task ARunStoppedBeforeItsFirstEpochEndedIsListedWithItsState_AndNoNumbers()
    {
        string stopped = Path.Combine(_runs, "20261126-211021-2a0179d0");
        Directory.CreateDirectory(stopped);
        File.WriteAllText(Path.Combine(stopped, "run.json"), """{ "id": "20261126-211021-2a0179d0", "state": "interrupted", "sessions": [] }""");
        File.WriteAllText(Path.Combine(stopped, "config.json"), RandomSplit());
        TestModels.WriteRun(_runs, "finished", 3, 0.9, configJson: RandomSplit());
        File.WriteAllText(Path.Combine(_runs, "finished", "run.json"), """{ "id": "finished", "state": "finished" }""");

        JsonElement runs = await Json("/api/runs");
        JsonElement details = await Json("/api/runs/20261126-211021-2a0179d0");

        Assert.That(runs.EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("epochs").GetInt32(), r.GetProperty("state").GetString())),
            Is.EqualTo(new[] { ("20261126-211021-2a0179d0", 0, "interrupted"), ("finished", 3, "finished") }));
        Assert.That(runs[0].GetProperty("validationAccuracy").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(runs[0].GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(details.GetProperty("history").GetArrayLength(), Is.Zero);
        Assert.That(details.GetProperty("state").GetString(), Is.EqualTo("interrupted"));
        Assert.That(details.GetProperty("heldOut").GetString(), Is.EqualTo("validation"));
    }

    [Test]
    public async Task Details_FallBackToTheConfigurationTheModelRecorded_WithoutConfigJson()
    {
        TestModels.WriteRun(_runs, "b", 2, 0.5, withModel: true);

        JsonElement run = await Json("/api/runs/b");

        Assert.That(run.GetProperty("config").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(run.GetProperty("modelConfiguration").GetProperty("Model:LayerSizes").GetString(), Is.EqualTo("784,2,10"));
    }

    [TestCase("..")]
    [TestCase("%2E%2E")]
    [TestCase("..%2F..%2Fetc")]
    [TestCase("%2Fetc")]
    [TestCase("%2Ftmp")]
    [TestCase("a%2F..%2F..")]
    public async Task Details_RefuseNamesThatLeaveTheRunsFolder(string id)
    {
        TestModels.WriteRun(_runs, "a", 1, 0.5);
        // A history.json one level up: what "../" would reach.
        File.WriteAllText(_temp.Combine("history.json"), "[]");

        HttpResponseMessage response = await _dashboard.Client.GetAsync("/api/runs/" + id);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ARunFolderThatLinksOutsideIsNeitherListedNorRead()
    {
        string outside = _temp.Combine("elsewhere");
        TestModels.WriteRun(outside, "secret", 2, 0.5, withModel: true);
        Directory.CreateSymbolicLink(Path.Combine(_runs, "linked"), Path.Combine(outside, "secret"));
        TestModels.WriteRun(_runs, "real", 1, 0.5);

        Assert.That(await ListedIds(), Is.EqualTo(new[] { "real" }));
        Assert.That((await _dashboard.Client.GetAsync("/api/runs/linked")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await _dashboard.Client.GetAsync("/api/model?run=linked")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task AFileThatLinksOutsideIsNotRead()
    {
        string folder = TestModels.WriteRun(_runs, "a", 1, 0.5);
        string secret = _temp.Combine("secret.json");
        File.WriteAllText(secret, """{ "password": "hunter2" }""");
        File.CreateSymbolicLink(Path.Combine(folder, "config.json"), secret);
        TestModels.SaveStrokeModel(_temp.Combine("outside.snm"));
        File.CreateSymbolicLink(Path.Combine(folder, "model.snm"), _temp.Combine("outside.snm"));

        JsonElement run = await Json("/api/runs/a");

        Assert.That(run.GetProperty("config").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(run.GetProperty("hasModel").GetBoolean(), Is.False);
        Assert.That((await _dashboard.Client.GetAsync("/api/model?run=a")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task ALinkThatStaysInsideTheRunsFolderIsFollowed()
    {
        Directory.CreateDirectory(Path.Combine(_runs, "archive"));
        TestModels.WriteRun(Path.Combine(_runs, "archive"), "original", 2, 0.5);
        Directory.CreateSymbolicLink(Path.Combine(_runs, "alias"), Path.Combine(_runs, "archive", "original"));

        Assert.That(await ListedIds(), Is.EqualTo(new[] { "alias" }));
        Assert.That((await _dashboard.Client.GetAsync("/api/runs/alias")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ARunWhoseEarlyStoppingRestoredAnEarlierEpochListsTheSavedModelsAccuracyAndEpoch()
    {
        string folder = TestModels.WriteRun(_runs, "stopped-early", 8, 0.80);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), """{ "split": "validation", "accuracy": 0.8852, "loss": 0.42, "epoch": 5 }""");
        TestModels.WriteRun(_runs, "still-training", 2, 0.80);

        JsonElement[] runs = [.. (await Json("/api/runs")).EnumerateArray()];
        JsonElement stopped = runs.Single(r => r.GetProperty("id").GetString() == "stopped-early");
        JsonElement training = runs.Single(r => r.GetProperty("id").GetString() == "still-training");

        Assert.That((stopped.GetProperty("modelAccuracy").GetDouble(), stopped.GetProperty("modelEpoch").GetInt32()), Is.EqualTo((0.8852, 5)));
        Assert.That(stopped.GetProperty("validationAccuracy").GetDouble(), Is.Not.EqualTo(0.8852), "the last epoch's figure is another");
        Assert.That(training.GetProperty("modelAccuracy").ValueKind, Is.EqualTo(JsonValueKind.Null), "no model yet");
    }

    [Test]
    public async Task ALinkToARunBesideItIsNotASecondRunButStillOpens()
    {
        TestModels.WriteRun(_runs, "20261126-000000-00000001", 2, 0.5);
        Directory.CreateSymbolicLink(Path.Combine(_runs, "latest"), Path.Combine(_runs, "20261126-000000-00000001"));
        Directory.CreateSymbolicLink(Path.Combine(_runs, "best"), Path.Combine(_runs, "20261126-000000-00000001"));

        Assert.That(await ListedIds(), Is.EqualTo(new[] { "20261126-000000-00000001" }));
        Assert.That((await _dashboard.Client.GetAsync("/api/runs/latest")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ARunsFolderReachedThroughALinkStillWorks()
    {
        TestModels.WriteRun(_runs, "a", 1, 0.5);
        string link = _temp.Combine("runs-link");
        Directory.CreateSymbolicLink(link, _runs);
        await using InProcessDashboard linked = await InProcessDashboard.StartAsync(new DashboardSources(link));

        HttpResponseMessage response = await linked.Client.GetAsync("/api/runs/a");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task ADamagedHistoryIsListedWithItsErrorNotAFailure()
    {
        Directory.CreateDirectory(Path.Combine(_runs, "broken"));
        File.WriteAllText(Path.Combine(_runs, "broken", "history.json"), "[{ not json");

        JsonElement runs = await Json("/api/runs");

        Assert.That(runs[0].GetProperty("error").GetString(), Does.StartWith("history.json is damaged: it is not complete, valid JSON"));
        Assert.That((await _dashboard.Client.GetAsync("/api/runs/broken")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    // A run killed mid-epoch keeps run.json's "running" and its lock file, but no process holds the lock.
    [Test]
    public async Task ARunWhoseProcessIsGone_IsLost_WhileOneHoldingItsLockIsRunning()
    {
        string killed = TestModels.WriteRun(_runs, "killed", 1, 0.8);
        string training = TestModels.WriteRun(_runs, "training", 1, 0.8);
        string old = TestModels.WriteRun(_runs, "before-locks", 1, 0.8);
        foreach (string folder in new[] { killed, training, old })
        {
            File.WriteAllText(Path.Combine(folder, "run.json"), """{ "state": "running" }""");
        }

        File.WriteAllText(Path.Combine(killed, ScratchNet.Files.RunLock.FileName), string.Empty);
        using var held = new FileStream(Path.Combine(training, ScratchNet.Files.RunLock.FileName), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        JsonElement runs = await Json("/api/runs");
        string? State(string id) => runs.EnumerateArray().Single(r => r.GetProperty("id").GetString() == id).GetProperty("state").GetString();

        Assert.That(State("killed"), Is.EqualTo("lost"));
        Assert.That(State("training"), Is.EqualTo("running"));
        Assert.That(State("before-locks"), Is.EqualTo("running"), "no lock file: nothing tells it is gone");
        Assert.That((await Json("/api/runs/killed")).GetProperty("state").GetString(), Is.EqualTo("lost"));
    }

    // Two askers at once (the list, a resume choosing its run) took each other for a training process: a killed run
    // flickered lost → running → lost while a resume started.
    [Test]
    public async Task AKilledRunStaysLost_WhileSomethingElseAsksWhetherItIsLive()
    {
        string killed = TestModels.WriteRun(_runs, "killed", 1, 0.8);
        File.WriteAllText(Path.Combine(killed, "run.json"), """{ "state": "running" }""");
        File.WriteAllText(Path.Combine(killed, ScratchNet.Files.RunLock.FileName), string.Empty);

        using (ScratchNet.Files.RunLock.Probe(killed))
        {
            Assert.That((await Json("/api/runs"))[0].GetProperty("state").GetString(), Is.EqualTo("lost"));
        }

        // Training holds it alone: then even a probe of its own kind says so.
        using var training = new FileStream(Path.Combine(killed, ScratchNet.Files.RunLock.FileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.That(ScratchNet.Files.RunLock.IsHeld(killed), Is.True);
        Assert.Throws<IOException>(() => ScratchNet.Files.RunLock.Probe(killed).Dispose());
    }

    private const string Folder = "<folder>";
    private const string Pipe = "<fifo>";
    private const string Utf16 = "<utf16>";
    private const string TwoMarks = "<two-boms>";
    private const string Loop = "<link-to-itself>";
    private const string Nowhere = "<link-to-nothing>";
    private const string CutShort = "<first-2000-bytes>";
    private const string Nested = "<5000-nested-lists>";
    private const string NestedThenBroken = "<5000-[-then-}>";

    // Every run file damaged every way gets one plain reason, the same in the list and the details, and in the explorer for
    // model.snm; System.Text.Json's own words stay out, and valid JSON of the wrong shape is not called incomplete.
    private static readonly object[][] DamagedFiles =
    [
        ["history.json", "", "history.json is empty"],
        ["history.json", "[{", "history.json is damaged: it is not complete, valid JSON of the kind ScratchNet writes (line 1, byte 3)"],
        ["history.json", "null", "history.json is damaged: it is null, not a list of epochs"],
        ["history.json", """{"epoch": 1}""", "history.json is damaged: it is an object, not a list of epochs"],
        ["history.json", "[1,2]", "history.json is damaged: row 1 is a number, not an epoch (an object of figures)"],
        ["history.json", "[[]]", "history.json is damaged: row 1 is a list, not an epoch (an object of figures)"],
        ["history.json", "[null]", "history.json is damaged: row 1 is null, not an epoch (an object of figures)"],
        ["history.json", """[{"epoch":"x"}]""", "history.json is damaged: row 1's epoch is text, not a whole number"],
        ["history.json", """[{"epoch":1.5}]""", "history.json is damaged: row 1's epoch is 1.5, not a whole number"],
        ["history.json", """[{"epoch":1.0}]""", "history.json is damaged: row 1's epoch is 1.0, a whole number written with a fraction or an exponent, which train never writes"],
        ["history.json", """[{"epoch":2147483648}]""", "history.json is damaged: row 1's epoch is 2147483648, larger than the dashboard reads (2147483647 at most)"],
        ["history.json", """[{"epoch":1}]""", "history.json is damaged: row 1's train_loss is missing"],
        ["history.json", """[{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":"high"}]""", "history.json is damaged: row 1's val_acc is text, not a number"],
        ["history.json", """[{"epoch":1,"train_loss":1,"val_loss":1e400,"val_acc":0.5}]""", "history.json is damaged: row 1's val_loss is 1e400, not a finite number"],
        ["history.json", """[{"epoch":1,"train_loss":null,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 1's train_loss is null, not a number"],
        ["history.json", """[{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":7}]""", "history.json is damaged: row 1's val_acc is 7, not a fraction from 0 to 1"],
        ["history.json", """[{"epoch":1,"train_loss":1,"train_acc":-0.5,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 1's train_acc is -0.5, not a fraction from 0 to 1"],
        ["history.json", """[{"epoch":1,"train_loss":-1,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 1's train_loss is -1, not 0 or more"],
        ["history.json", """[{"epoch":-3,"train_loss":1,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 1's epoch is -3, not 1 or more (epochs count from 1)"],
        ["history.json", """[{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":0.5,"train_seconds":-2}]""", "history.json is damaged: row 1's train_seconds is -2, not 0 or more"],
        ["history.json", """[{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":0.5},{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 2's epoch is 1, not after row 1's 1"],
        ["history.json", """[{"epoch":2,"train_loss":1,"val_loss":1,"val_acc":0.5},{"epoch":1,"train_loss":1,"val_loss":1,"val_acc":0.5}]""", "history.json is damaged: row 2's epoch is 1, not after row 1's 2"],
        ["history.json", Nested, "history.json is damaged: it nests lists or objects more than 64 deep, which the dashboard does not read (ScratchNet writes a few levels at most)"],
        ["history.json", NestedThenBroken, "history.json is damaged: it nests lists or objects more than 64 deep, which the dashboard does not read (ScratchNet writes a few levels at most)"],
        ["history.json", "[[[[[[}", "history.json is damaged: it is not complete, valid JSON of the kind ScratchNet writes (line 1, byte 7)"],
        ["history.json", Folder, "history.json is a folder, not a file"],
        ["history.json", Pipe, "history.json is a named pipe (FIFO), not a file"],
        ["history.json", Loop, "history.json is a link that leads nowhere (round in a loop of links)"],
        ["history.json", Utf16, "history.json is damaged: it is saved as UTF-16; save it as UTF-8"],
        ["history.json", TwoMarks, "history.json is damaged: it starts with two byte-order marks; save it as UTF-8 with one at most"],
        ["metrics.json", "{", "metrics.json is damaged: it is not complete, valid JSON of the kind ScratchNet writes (line 1, byte 2)"],
        ["metrics.json", "[]", "metrics.json is damaged: it is a list, not an object of figures"],
        ["metrics.json", """{"accuracy": "0.9"}""", "metrics.json is damaged: its accuracy is text, not a number"],
        ["metrics.json", """{"accuracy": null}""", "metrics.json is damaged: its accuracy is null, not a number"],
        ["metrics.json", """{"accuracy": 1e400}""", "metrics.json is damaged: its accuracy is 1e400, not a finite number"],
        ["metrics.json", """{"accuracy": 0.9, "epoch": 2.5}""", "metrics.json is damaged: its epoch is 2.5, not a whole number"],
        ["metrics.json", """{"confusion_matrix": {}}""", "metrics.json is damaged: its confusion_matrix is an object, not a list"],
        ["metrics.json", """{"accuracy": 7}""", "metrics.json is damaged: its accuracy is 7, not a fraction from 0 to 1"],
        ["metrics.json", """{"accuracy": -0.5}""", "metrics.json is damaged: its accuracy is -0.5, not a fraction from 0 to 1"],
        ["metrics.json", """{"accuracy": 0.9, "loss": -1e-3}""", "metrics.json is damaged: its loss is -1e-3, not 0 or more"],
        ["metrics.json", """{"accuracy": 0.9, "epoch": 0}""", "metrics.json is damaged: its epoch is 0, not 1 or more (epochs count from 1)"],
        ["metrics.json", """{"accuracy": 0.9, "classes": 5}""", "metrics.json is damaged: its classes is a number, not a list"],
        ["metrics.json", Nested, "metrics.json is damaged: it nests lists or objects more than 64 deep, which the dashboard does not read (ScratchNet writes a few levels at most)"],
        ["metrics.json", Folder, "metrics.json is a folder, not a file"],
        ["metrics.json", Pipe, "metrics.json is a named pipe (FIFO), not a file"],
        ["metrics.json", Loop, "metrics.json is a link that leads nowhere (round in a loop of links)"],
        ["run.json", """{"state": 12, "x":""", "run.json is damaged: it is not complete, valid JSON of the kind ScratchNet writes (line 1, byte 19)"],
        ["run.json", "[1,2]", "run.json is damaged: it is a list, not an object of the run's facts"],
        ["run.json", """{"state": 12}""", "run.json is damaged: its state is a number, not text"],
        ["run.json", """{"state": null}""", "run.json is damaged: its state is null, not text"],
        ["run.json", """{"id": "damaged"}""", "run.json is damaged: its state is missing"],
        ["run.json", """{"state": "bogus"}""", "run.json is damaged: its state is \"bogus\", not one of running, finished, interrupted, failed or diverged"],
        ["run.json", """{"state": "finished", "sessions": 5}""", "run.json is damaged: its sessions is a number, not a list"],
        ["run.json", """{"state": "finished", "id": 5}""", "run.json is damaged: its id is a number, not text"],
        ["run.json", Folder, "run.json is a folder, not a file"],
        ["run.json", Pipe, "run.json is a named pipe (FIFO), not a file"],
        ["run.json", Loop, "run.json is a link that leads nowhere (round in a loop of links)"],
        ["config.json", "[1,", "config.json is damaged: it is not complete, valid JSON of the kind ScratchNet writes (line 1, byte 3)"],
        ["config.json", "7", "config.json is damaged: it is a number, not an object of settings"],
        ["config.json", Folder, "config.json is a folder, not a file"],
        ["config.json", Pipe, "config.json is a named pipe (FIFO), not a file"],
        ["config.json", Loop, "config.json is a link that leads nowhere (round in a loop of links)"],
        // A model's reason ends with the command line's remedy (Y5: the cell gave the reason alone).
        ["model.snm", "", "model.snm is empty (0 bytes); give a file written by 'train' or 'export'"],
        ["model.snm", "x", "model.snm is neither a ScratchNet model (.snm) nor a safetensors file; give a file written by 'train' or 'export'"],
        ["model.snm", CutShort, "model.snm is invalid: it has 2000 bytes of the {good} its header describes, so it is truncated; train or export it again, or restore it from a copy"],
        ["model.snm", Folder, "model.snm is a folder, not a file"],
        ["model.snm", Pipe, "model.snm is a named pipe (FIFO), not a file"],
        ["model.snm", Loop, "model.snm is a link that leads nowhere (round in a loop of links)"],
        ["model.snm", Nowhere, "model.snm is a link that leads nowhere (what it points at does not exist)"],
    ];

    [TestCaseSource(nameof(DamagedFiles))]
    public async Task EachDamagedRunFileHasOnePlainReason(string file, string damage, string reason)
    {
        string folder = TestModels.WriteRun(_runs, "damaged", 2, 0.8, withModel: file == "model.snm");
        File.WriteAllText(Path.Combine(folder, "run.json"), """{ "id": "damaged", "state": "finished" }""");

        // {good}: the length of the file before it was cut short.
        reason = File.Exists(Path.Combine(folder, file)) ? reason.Replace("{good}", $"{new FileInfo(Path.Combine(folder, file)).Length}", StringComparison.Ordinal) : reason;
        await Damage(Path.Combine(folder, file), damage);

        // A pipe must be refused, not opened: opening it would wait for a writer forever.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement run = (await Json("/api/runs", patience.Token))[0];
        JsonElement details = await Json("/api/runs/damaged", patience.Token);

        Assert.That(run.GetProperty("error").GetString(), Is.EqualTo(reason));
        Assert.That(details.GetProperty("error").GetString(), Is.EqualTo(reason));
        Assert.That(reason, Does.Not.Contain("isFinalBlock").And.Not.Contain("LineNumber").And.Not.Contain(_runs));
        if (file == "model.snm")
        {
            HttpResponseMessage open = await _dashboard.Client.GetAsync("/api/model?run=damaged", patience.Token);
            string? opened = (await open.Content.ReadFromJsonAsync<JsonElement>(patience.Token)).GetProperty("error").GetString();
            Assert.That(run.GetProperty("hasModel").GetBoolean(), Is.False);
            Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(opened, Does.StartWith($"The model file damaged/model.snm {reason["model.snm ".Length..]}"));
        }
    }

    // A lock that no process could hold (a folder, a pipe) left a "running" run listed as running forever, and opening a
    // pipe to ask would block the list.
    [TestCase(Folder, ".lock is a folder, not a file")]
    [TestCase(Pipe, ".lock is a named pipe (FIFO), not a file")]
    [TestCase(Loop, ".lock is a link that leads nowhere (round in a loop of links)")]
    [TestCase(Nowhere, ".lock is a link that leads nowhere (what it points at does not exist)")]
    public async Task ALockThatIsNoFileMakesARunningRunLost_AndSaysWhy(string damage, string reason)
    {
        string folder = TestModels.WriteRun(_runs, "locked", 2, 0.8);
        File.WriteAllText(Path.Combine(folder, "run.json"), """{ "id": "locked", "state": "running" }""");
        await Damage(Path.Combine(folder, ScratchNet.Files.RunLock.FileName), damage);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement run = (await Json("/api/runs", patience.Token))[0];

        Assert.That(run.GetProperty("state").GetString(), Is.EqualTo("lost"));
        Assert.That(run.GetProperty("error").GetString(), Is.EqualTo(reason));
    }

    private static async Task Damage(string path, string damage)
    {
        // A copy or a save stopped midway: a good model's first bytes, its header whole.
        byte[]? cutShort = damage == CutShort ? File.ReadAllBytes(path)[..2000] : null;
        File.Delete(path);
        switch (damage)
        {
            case Folder:
                Directory.CreateDirectory(path);
                break;
            case Pipe:
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
                {
                    await mkfifo.WaitForExitAsync();
                }

                break;
            case Loop:
                File.CreateSymbolicLink(path, Path.GetFileName(path));
                break;
            case Nowhere:
                File.CreateSymbolicLink(path, Path.Combine(Path.GetDirectoryName(path)!, "gone", "model.snm"));
                break;
            case CutShort:
                File.WriteAllBytes(path, cutShort!);
                break;
            case Nested:
                File.WriteAllText(path, new string('[', 5000) + new string(']', 5000));
                break;
            case NestedThenBroken:
                File.WriteAllText(path, new string('[', 5000) + "}");
                break;
            case Utf16:
                File.WriteAllText(path, "[]", System.Text.Encoding.Unicode);
                break;
            case TwoMarks:
                File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, (byte)'[', (byte)']']);
                break;
            default:
                File.WriteAllText(path, damage);
                break;
        }
    }

    // An editor that saves a byte-order mark leaves the file good: it was reported as damaged at line 1, byte 1.
    [Test]
    public async Task FilesWithAUtf8ByteOrderMarkAreRead()
    {
        string folder = TestModels.WriteRun(_runs, "bom", 3, 0.8);
        foreach ((string file, string content) in new[] { ("history.json", File.ReadAllText(Path.Combine(folder, "history.json"))), ("metrics.json", """{ "accuracy": 0.91, "epoch": 3 }"""), ("run.json", """{ "state": "finished" }""") })
        {
            File.WriteAllText(Path.Combine(folder, file), content, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        }

        Assert.That(File.ReadAllBytes(Path.Combine(folder, "run.json"))[0], Is.EqualTo(0xEF), "the test wrote no BOM");
        JsonElement run = (await Json("/api/runs"))[0];

        Assert.That(run.TryGetProperty("error", out JsonElement error) ? error.GetString() : null, Is.Null);
        Assert.That(run.GetProperty("epochs").GetInt32(), Is.EqualTo(3));
        Assert.That(run.GetProperty("modelAccuracy").GetDouble(), Is.EqualTo(0.91));
        Assert.That(run.GetProperty("state").GetString(), Is.EqualTo("finished"));
    }

    // An empty model.snm was offered for "explore", which then said it was "neither a ScratchNet model nor a safetensors file".
    [Test]
    public async Task AnEmptyModelIsNotOfferedForExploring_AndSaysItIsEmpty()
    {
        string folder = TestModels.WriteRun(_runs, "empty-model", 2, 0.8, withModel: true);
        File.WriteAllBytes(Path.Combine(folder, "model.snm"), []);

        JsonElement run = (await Json("/api/runs"))[0];
        JsonElement models = await Json("/api/models");
        HttpResponseMessage open = await _dashboard.Client.GetAsync("/api/model?run=empty-model");

        Assert.That(run.GetProperty("hasModel").GetBoolean(), Is.False);
        Assert.That(run.GetProperty("error").GetString(), Is.EqualTo("model.snm is empty (0 bytes); give a file written by 'train' or 'export'"));
        Assert.That(models.GetArrayLength(), Is.Zero);
        Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That((await open.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), Is.EqualTo("The model file empty-model/model.snm is empty (0 bytes); give a file written by 'train' or 'export'."));
    }

    [TestCase("[null]", "row 1 is null, not an epoch (an object of figures)")]
    [TestCase("""[{"epoch":1,"train_loss":1,"train_acc":0.5,"val_loss":1e400,"val_acc":0.5,"train_seconds":1,"eval_seconds":1}]""", "row 1's val_loss is 1e400, not a finite number")]
    public async Task AHistoryWithARowThePageCannotDrawIsListedWithItsReason_AndTheOtherRunsStillShow(string history, string reason)
    {
        TestModels.WriteRun(_runs, "good", 3, 0.9);
        Directory.CreateDirectory(Path.Combine(_runs, "odd"));
        File.WriteAllText(Path.Combine(_runs, "odd", "history.json"), history);

        JsonElement runs = await Json("/api/runs");
        JsonElement odd = await Json("/api/runs/odd");

        Assert.That(runs.EnumerateArray().Select(r => r.GetProperty("id").GetString()), Is.EqualTo(new[] { "good", "odd" }));
        Assert.That(runs[0].GetProperty("epochs").GetInt32(), Is.EqualTo(3));
        Assert.That(runs[1].GetProperty("error").GetString(), Is.EqualTo($"history.json is damaged: {reason}"));
        Assert.That(odd.GetProperty("history").GetArrayLength(), Is.Zero);
        Assert.That(odd.GetProperty("error").GetString(), Is.EqualTo($"history.json is damaged: {reason}"));
    }

    [Test]
    public void OnlyTheFixedFileNamesCanBeAskedFor()
    {
        TestModels.WriteRun(_runs, "a", 1, 0.5);
        File.WriteAllText(Path.Combine(_runs, "a", "log.clef"), "{}");
        var folder = new RunsFolder(_runs);

        Assert.That(folder.File("a", "history.json"), Is.Not.Null);
        Assert.That(folder.File("a", "log.clef"), Is.Null);
        Assert.That(folder.File("a", "../a/history.json"), Is.Null);
    }
}
