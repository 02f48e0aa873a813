using ScratchNet.Dashboard.Options;

namespace ScratchNet.Dashboard.Tests.Options;

// IPAddress.Parse reads inet_aton's shorthand: Dashboard:Address=0, typed for "the default", was 0.0.0.0 and opened the
// dashboard to the network, with a warning that named 0.
public sealed class DashboardAddressTests
{
    private static IReadOnlyList<string> Errors(string address) =>
        new DashboardOptionsValidator().Validate(null, new DashboardOptions { Address = address }).Failures?.ToList() ?? [];

    [TestCase("127.0.0.1")]
    [TestCase("0.0.0.0")]
    [TestCase("192.0.2.7")]
    [TestCase("255.255.255.255")]
    [TestCase("::1")]
    [TestCase("::")]
    [TestCase("2001:db8::7")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("localhost")]
    [TestCase("LocalHost")]
    public void AnAddressWrittenInFull_IsTaken(string address) => Assert.That(Errors(address), Is.Empty);

    [TestCase("0", "0.0.0.0")]
    [TestCase("127.1", "127.0.0.1")]
    [TestCase("2130706433", "127.0.0.1")]
    [TestCase("2147483648", "128.0.0.0")]
    [TestCase("0x7f.1", "127.0.0.1")]
    [TestCase("010.0.0.1", "8.0.0.1")]
    [TestCase("127.000.000.001", "127.0.0.1")]
    public void AShorthand_IsRefused_NamingTheAddressItWouldBe(string address, string became)
    {
        Assert.That(Errors(address).Single(), Is.EqualTo(
            $"Dashboard:Address '{address}' is a shorthand for {became}; write the address in full, four numbers from 0 to 255 without leading zeros: 127.0.0.1 (this machine only, the default), ::1, localhost, or 0.0.0.0 to open it to the network"));
    }

    [TestCase("example.org")]
    [TestCase("")]
    public void ANameOrNothing_IsNoAddress(string address) =>
        Assert.That(Errors(address).Single(), Does.StartWith($"Dashboard:Address '{address}' is not an IP address; use 127.0.0.1"));
}
