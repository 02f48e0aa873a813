/// A small optimizer sweep on the real host. Each run builds the host exactly as `train` does
/// (ScratchNetHost.CreateBuilder), then swaps two components through DI: the optimizer (built here,
/// not from configuration) and an extra callback that records when validation accuracy first reaches
/// a target. Prints one table row per run.
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
open ScratchNet.Host
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

let train (args: string[]) (run: Run) =
    let timeToTarget = TimeToTarget(0.97)
    let defaults = [| "train"; "--Training:Epochs=3"; "--Checkpoints:Directory="; "--Progress:Enabled=false" |]
    let builder =
        ScratchNetHost.CreateBuilder(Array.append defaults args, fun services ->
            services.Replace(ServiceDescriptor.Singleton<IOptimizer>(run.Optimizer())) |> ignore
            services.AddSingleton<ITrainingCallback>(timeToTarget) |> ignore)
    use host = builder.Build()
    let clock = Stopwatch.StartNew()
    let result = host.Services.GetRequiredService<ITrainer>().TrainAsync().GetAwaiter().GetResult()
    run.Label, result, timeToTarget.Reached, clock.Elapsed.TotalSeconds

[<EntryPoint>]
let main args =
    let rows = runs |> List.map (train args)
    printfn ""
    printfn "%-36s %8s %8s %8s %14s %8s" "optimizer" "epochs" "val_loss" "val_acc" "to 97% (ep, s)" "total s"
    for label, result, reached, seconds in rows do
        let toTarget =
            match reached with
            | Some(epoch, s) -> sprintf "%d, %.1f" epoch s
            | None -> "not reached"
        printfn "%-36s %8d %8.4f %8.4f %14s %8.1f" label result.History.Count result.FinalValidation.Loss result.FinalValidation.Accuracy toTarget seconds
    0
