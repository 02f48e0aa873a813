namespace ScratchNet.Training.Optimizers;

/// <summary>The one capability a learning-rate schedule needs, so schedules stay independent of concrete optimizers.</summary>
public interface IHasLearningRate
{
    float LearningRate { get; set; }
}
