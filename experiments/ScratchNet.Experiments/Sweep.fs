/// A small optimizer sweep on the real host. Each run builds the host exactly as `train` does
/// (ScratchNetHost.CreateBuilder), then swaps two components through DI: the optimizer (built here,
/// not from configuration) and an extra callback that records when validation accuracy first reaches
/// a target. Each run trains in a run folder of its own, as `train` does (runs/ID: config.json, run.json, history,
/// model and reports). Prints one table row per run, naming its folder.
///
///   dotnet run --project experiments/ScratchNet.Experiments -c Release -- [--Training:Epochs=3] [--Data:Split=official]
///
/// Any configuration override is passed to every run; checkpoints are off unless you turn them on.
module ScratchNet.Experiments.Sweep

open System
open System.Diagnostics
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.DependencyInjection.Extensions
open Microsoft.Extensions.Hosting
open Microsoft.Extensions.Options
open ScratchNet.Host
open ScratchNet.Host.Commands
open ScratchNet.Host.Runs
open ScratchNet.Host.Settings
open ScratchNet.Training
open ScratchNet.Training.Callbacks
open ScratchNet.Training.Results
open ScratchNet.Training.Optimizers

/// A custom callback: the first epoch whose validation accuracy reaches the target, and the training
/// seconds spent until then.
type TimeToTarget(target: float) =
    let mutable reached : (int * float) option = None
    let mutable seconds = 0.0
    member _.Reached = reached
    interface ITrainingCallback with
        member _.OnEpochEnd(_context: TrainingContext, metrics: EpochMetrics) =
            seconds <- seconds + metrics.TrainSeconds + metrics.EvaluationSeconds
            if reached.IsNone && metrics.ValidationAccuracy >= target then
                reached <- Some(metrics.Epoch, seconds)

type Run = { Label: string; Optimizer: unit -> IOptimizer }

let runs =
    [ { Label = "sgd lr=0.003 (reference)"; Optimizer = fun () -> Sgd(0.003f) :> IOptimizer }
      { Label = "sgd lr=0.05 momentum=0.9 nesterov"; Optimizer = fun () -> Sgd(0.05f, momentum = 0.9f, nesterov = true) :> IOptimizer }
      { Label = "adam lr=0.001"; Optimizer = fun () -> Adam(0.001f) :> IOptimizer }
      { Label = "adamw lr=0.001 wd=0.01"; Optimizer = fun () -> AdamW(0.001f, weightDecay = 0.01f) :> IOptimizer }
      { Label = "rmsprop lr=0.001"; Optimizer = fun () -> RmsProp(0.001f) :> IOptimizer } ]

/// One sweep member, trained as `train` trains: its configuration checked before anything is built, every value
/// before anything is written, then the train command's run (its own run folder, claimed, with its config.json,
/// run.json, history and model) around the trainer. The trainer alone has no folder to write its history into.
let train (args: string[]) (run: Run) =
    let timeToTarget = TimeToTarget(0.97)
    let defaults = [| "train"; "--Training:Epochs=3"; "--Checkpoints:Directory="; "--Progress:Enabled=false" |]
    let builder =
        ScratchNetHost.CreateBuilder(Array.append defaults args, fun services ->
            services.Replace(ServiceDescriptor.Singleton<IOptimizer>(run.Optimizer())) |> ignore
            services.AddSingleton<ITrainingCallback>(timeToTarget) |> ignore)
    ConfigurationCheck.ThrowIfInvalid(builder)
    use host = builder.Build()
    host.Services.GetRequiredService<IStartupValidator>().Validate()
    host.StartAsync().GetAwaiter().GetResult()
    let stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping
    let command = host.Services.GetRequiredKeyedService<ICommand>("train") :?> TrainCommand
    let clock = Stopwatch.StartNew()
    let result = command.RunInFolderAsync(stopping).GetAwaiter().GetResult()
    let seconds = clock.Elapsed.TotalSeconds
    host.StopAsync().GetAwaiter().GetResult()
    let folder = host.Services.GetRequiredService<TrainingRun>().Folder.Path
    run.Label, result, timeToTarget.Reached, seconds, folder

let printTable rows =
    printfn ""
    printfn "%-36s %8s %8s %8s %14s %8s  %s" "optimizer" "epochs" "val_loss" "val_acc" "to 97% (ep, s)" "total s" "run folder"
    for label, (result: TrainingResult), reached, seconds, folder in rows do
        let toTarget =
            match reached with
            | Some(epoch, s) -> sprintf "%d, %.1f" epoch s
            | None -> "not reached"
        printfn "%-36s %8d %8.4f %8.4f %14s %8.1f  %s" label result.History.Count result.FinalValidation.Loss result.FinalValidation.Accuracy toTarget seconds folder

[<EntryPoint>]
let main args =
    try
        printTable (runs |> List.map (train args))
        ExitCodes.Success
    with e ->
        // A user's mistake (a bad value, data that cannot be loaded, a diverged run) is the line and exit code `train`
        // gives; a bug keeps its stack trace.
        let failure = Failure.From(e)
        if failure.IsBug then reraise ()
        eprintfn "%s" failure.Message
        failure.ExitCode
