using BigLearn.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace BigLearn.Core.Tests;

[Collection(TorchCollection.Name)]
public class TorchNativeLoadTests
{
    [Fact]
    public void The_native_library_loads_and_a_tensor_op_gives_the_right_number()
    {
        TorchRuntime.Configure(threads: 1);
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 1, 2, 3, 4 }).reshape(2, 2);
        var b = tensor(new double[] { 5, 6, 7, 8 }).reshape(2, 2);
        var c = a.mm(b);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, c.data<double>().ToArray());
        Assert.Equal(1, get_num_threads());
    }

    [Fact]
    public void Auto_resolves_to_cpu_without_cuda()
    {
        if (cuda.is_available()) return; // on a GPU machine auto is CUDA; covered by the device check script
        Assert.Equal(DeviceType.CPU, TorchRuntime.Resolve(DeviceChoice.Auto).type);
        Assert.Throws<InvalidOperationException>(() => TorchRuntime.Resolve(DeviceChoice.Cuda));
    }
}

/// <summary>TorchSharp tests share process-wide native state: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class TorchCollection
{
    public const string Name = "TorchSharp";
}
