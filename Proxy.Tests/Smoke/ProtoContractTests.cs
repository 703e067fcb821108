using TruthTable.Audit.V1;

namespace TruthTable.Tests.Smoke;

public sealed class ProtoContractTests
{
    [Fact]
    public void AuditService_FullName_MatchesPythonEngine()
    {
        Assert.Equal("truthtable.audit.v1.AuditService", AuditService.Descriptor.FullName);
        Assert.Equal(11, AuditResult.StepTimingsFieldNumber);
    }
}
