using TruthTable.Core.Pipeline;

namespace TruthTable.Tests.Pipeline;

public sealed class MachineCpuTests
{
    [Fact]
    public void Parse_ProcStatCpuLine_IdleAndIowaitAreLeftOver_GuestIsNotCountedTwice()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var cpu = MachineCpu.Parse("cpu  100 10 50 800 20 5 5 10 40 4");

        Assert.Equal(new MachineCpu(Busy: 180, Total: 1000), cpu);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4 5")]          // a per-core line, not the total
    [InlineData("cpu  1 2 x 4 5")]
    [InlineData("cpu  1 2 3")]              // too few fields to know the idle time
    public void Parse_NotATotalCpuLine_IsNull(string? line) => Assert.Null(MachineCpu.Parse(line));

    [Fact]
    public void BusyShareSince_IsTheShareOfTicksInUseBetweenReadings()
    {
        var earlier = new MachineCpu(Busy: 1_000, Total: 5_000);

        Assert.Equal(0.75, new MachineCpu(Busy: 1_150, Total: 5_200).BusyShareSince(earlier));
        Assert.Equal(0, earlier.BusyShareSince(earlier)); // no ticks passed
    }

    [Fact]
    public void Read_OnLinux_GivesAReading_ElsewhereNull()
    {
        var cpu = MachineCpu.Read();
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(cpu);
            return;
        }

        Assert.NotNull(cpu);
        Assert.InRange(cpu.Value.Busy, 1, cpu.Value.Total);
    }
}
