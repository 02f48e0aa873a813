using ScratchNet.Core.Metrics;

namespace ScratchNet.Core.Tests.Metrics;

public class CalibrationTests
{
    [Test]
    public void ExpectedCalibrationError_MatchesAHandComputedCase_WithOneRowPerBin()
    {
        // confidences 0.9 (right), 0.95 (wrong), 0.7 (right), 0.62 (wrong) fall in bins 13, 14, 10 and 9 of 15:
        // ECE = (|1 − 0.9| + |0 − 0.95| + |1 − 0.7| + |0 − 0.62|) / 4 = 1.97 / 4.
        float[] p = [0.9f, 0.1f, 0.95f, 0.05f, 0.3f, 0.7f, 0.62f, 0.38f];
        byte[] labels = [0, 1, 1, 1];
        CalibrationResult result = Calibration.ExpectedCalibrationError(p, labels, 4, 2);
        Assert.That(result.ExpectedCalibrationError, Is.EqualTo(1.97 / 4).Within(1e-6));
        Assert.That(result.Bins, Has.Count.EqualTo(15));
        Assert.That(result.Bins.Select(b => b.Count), Is.EqualTo(new long[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1 }));
    }

    [Test]
    public void ExpectedCalibrationError_AveragesWithinABin_BeforeTakingTheGap()
    {
        // Both rows land in bin 13: accuracy 0.5, mean confidence 0.915, so ECE = 0.415 (not the mean of 0.09 and 0.92).
        float[] p = [0.91f, 0.09f, 0.08f, 0.92f];
        byte[] labels = [0, 0];
        CalibrationResult result = Calibration.ExpectedCalibrationError(p, labels, 2, 2);
        Assert.That(result.ExpectedCalibrationError, Is.EqualTo(0.415).Within(1e-6));
        Assert.That(result.Bins[13].Accuracy, Is.EqualTo(0.5));
        Assert.That(result.Bins[13].MeanConfidence, Is.EqualTo(0.915).Within(1e-6));
    }

    [Test]
    public void ExpectedCalibrationError_IsZero_WhenCertainAndAlwaysRight()
    {
        float[] p = [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f];
        CalibrationResult result = Calibration.ExpectedCalibrationError(p, [0, 1, 2], 3, 3);
        Assert.That(result.ExpectedCalibrationError, Is.Zero);
        Assert.That(result.Bins[^1].Count, Is.EqualTo(3));
    }

    [Test]
    public void ExpectedCalibrationError_Throws_WhenProbabilitiesAreShort()
    {
        Assert.Throws<ArgumentException>(() => Calibration.ExpectedCalibrationError(new float[3], new byte[2], 2, 2));
    }
}
