using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BigLearn.Core.Gan;

/// <summary>
/// Adam (Kingma and Ba, with bias correction) over one network's parameters, written out so that its buffers are
/// plain tensors we can snapshot, roll back, capture and restore exactly.
/// </summary>
internal sealed class AdamState : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _firstMoment, _secondMoment;
    private readonly double _learningRate, _beta1, _beta2, _epsilon;

    public AdamState(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double epsilon)
    {
        _parameters = parameters.ToArray();
        _firstMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoment = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        (_learningRate, _beta1, _beta2, _epsilon) = (learningRate, beta1, beta2, epsilon);
    }

    /// <summary>Updates applied so far (drives the bias correction).</summary>
    public long Steps { get; set; }

    /// <summary>The hyper-parameters, saved with the buffers so that a state is never continued with other ones.</summary>
    public double[] HyperParameters => [_learningRate, _beta1, _beta2, _epsilon];

    /// <summary>The squared L2 norm of all gradients as a 0-d tensor (missing gradients count as zero).</summary>
    public Tensor SquaredGradientNorm()
    {
        var parts = _parameters.Where(p => p.grad is not null).Select(p => p.grad!.square().sum()).ToArray();
        return parts.Length == 0 ? zeros(1).squeeze() : stack(parts).sum();
    }

    /// <summary>Forgets all gradients (the next backward starts from nothing).</summary>
    public void ClearGradients()
    {
        foreach (var p in _parameters) p.grad = null;
    }

    /// <summary>One Adam update from the current gradients; then clears them.</summary>
    public void Step()
    {
        Steps++;
        double correction1 = 1 - Math.Pow(_beta1, Steps), correction2 = 1 - Math.Pow(_beta2, Steps);
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (p.grad is null) continue;
            var g = p.grad;
            _firstMoment[i].mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _secondMoment[i].mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            var denominator = _secondMoment[i].div(correction2).sqrt_().add_(_epsilon);
            p.addcdiv_(_firstMoment[i], denominator, value: -_learningRate / correction1);
        }
        ClearGradients();
    }

    /// <summary>Copies of the parameters and buffers (in the caller's dispose scope), for <see cref="Restore"/>.</summary>
    public Tensor[] Snapshot()
    {
        using var _ = no_grad();
        return _parameters.Select(p => p.detach().clone()).Concat(_firstMoment.Select(t => t.clone())).Concat(_secondMoment.Select(t => t.clone())).ToArray();
    }

    /// <summary>Puts back what <see cref="Snapshot"/> copied (one step is undone: <see cref="Steps"/> goes back by one).</summary>
    public void Restore(Tensor[] snapshot, long steps)
    {
        using var _ = no_grad();
        int n = _parameters.Length;
        for (int i = 0; i < n; i++)
        {
            _parameters[i].copy_(snapshot[i]);
            _firstMoment[i].copy_(snapshot[n + i]);
            _secondMoment[i].copy_(snapshot[2 * n + i]);
        }
        Steps = steps;
        ClearGradients();
    }

    /// <summary>The moment buffers themselves, one per parameter (for saving them as a state dictionary).</summary>
    public (Tensor[] First, Tensor[] Second) Moments => (_firstMoment, _secondMoment);

    /// <summary>Both moment buffers flattened into doubles.</summary>
    public (double[] First, double[] Second) Buffers() => (Flatten(_firstMoment), Flatten(_secondMoment));

    /// <summary>Overwrites both moment buffers (lengths checked by the caller).</summary>
    public void SetBuffers(double[] first, double[] second)
    {
        Unflatten(_firstMoment, first);
        Unflatten(_secondMoment, second);
    }

    /// <summary>Total number of parameter values.</summary>
    public long Count => _parameters.Sum(p => p.numel());

    internal static double[] Flatten(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var parts = tensors.Select(t => t.detach().flatten().to(ScalarType.Float64).cpu()).ToArray();
        return parts.Length == 0 ? [] : cat(parts, 0).data<double>().ToArray();
    }

    internal static void Unflatten(IEnumerable<Tensor> tensors, double[] values)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long offset = 0;
        foreach (var t in tensors)
        {
            long n = t.numel();
            var part = tensor(values.AsSpan((int)offset, (int)n).ToArray(), dtype: ScalarType.Float64).to(t.dtype, t.device).view(t.shape);
            t.copy_(part);
            offset += n;
        }
    }

    public void Dispose()
    {
        foreach (var t in _firstMoment.Concat(_secondMoment)) t.Dispose();
    }
}
