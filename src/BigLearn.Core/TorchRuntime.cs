using TorchSharp;

namespace BigLearn.Core;

/// <summary>How the run picks its device: <c>auto</c> takes CUDA when it is available.</summary>
public enum DeviceChoice
{
    /// <summary>CUDA when available, else CPU.</summary>
    Auto,
    /// <summary>Always the CPU.</summary>
    Cpu,
    /// <summary>The first CUDA device; an error when none is available.</summary>
    Cuda,
}

/// <summary>Process-wide TorchSharp set-up: native library, intra-op threads, device selection.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Sets libtorch's intra-op thread count (default 1: on small machines its thread pool collapses under
    /// any other load, and this project scales with actors and vectorised batches instead).
    /// </summary>
    public static void Configure(int threads = 1)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        torch.set_num_threads(threads);
    }

    /// <summary>Resolves a device choice against what this machine has.</summary>
    public static torch.Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => torch.CPU,
        DeviceChoice.Cuda when torch.cuda.is_available() => torch.CUDA,
        DeviceChoice.Cuda => throw new InvalidOperationException(
            "device = cuda, but no CUDA device is available (build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use device = auto | cpu)"),
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };
}
