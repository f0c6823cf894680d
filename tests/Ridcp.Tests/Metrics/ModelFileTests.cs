using Xunit;
using Ridcp.Metrics.Live;

namespace Ridcp.Tests.Metrics;

/// <summary>The embedded LIVE model files parse to what metrics-ref's README documents.</summary>
public class ModelFileTests
{
    [Fact]
    public void Fade_model_mat_files_hold_12_feature_Gaussians()
    {
        var free = ModelResources.Mat("natural_fogfree_image_features_ps8.mat");
        var foggy = ModelResources.Mat("natural_foggy_image_features_ps8.mat");
        var mu = free["mu_fogfreeparam"];
        Assert.Equal((1, 12), (mu.Rows, mu.Columns));
        Assert.Equal((12, 12), (free["cov_fogfreeparam"].Rows, free["cov_fogfreeparam"].Columns));
        // First values as printed in metrics-ref README (6 digits).
        double[] expectedFree = [0.389774, 0.119556, 0.073806, 3.215853, 0.292762];
        double[] expectedFoggy = [0.099966, 0.010599, 0.008296, 0.608056, 0.004809];
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(expectedFree[i], mu.RowMajor[i], 5e-7);
            Assert.Equal(expectedFoggy[i], foggy["mu_foggyparam"].RowMajor[i], 5e-7);
        }
        var cov = free["cov_fogfreeparam"];
        for (int r = 0; r < 12; r++) for (int c = 0; c < 12; c++) Assert.Equal(cov[r, c], cov[c, r]);
    }

    [Fact]
    public void Niqe_model_holds_the_36_feature_pristine_Gaussian()
    {
        var m = ModelResources.Mat("modelparameters.mat");
        Assert.Equal((1, 36), (m["mu_prisparam"].Rows, m["mu_prisparam"].Columns));
        Assert.Equal((36, 36), (m["cov_prisparam"].Rows, m["cov_prisparam"].Columns));
    }

    [Fact]
    public void Mat_reader_refuses_other_files()
    {
        Assert.Throws<InvalidDataException>(() => MatFile.Read(new MemoryStream(new byte[200])));
    }

    [Fact]
    public void Brisque_svr_loads_and_refuses_other_model_types()
    {
        using var model = new StreamReader(ModelResources.Open("allmodel"));
        using var range = new StreamReader(ModelResources.Open("allrange"));
        var svr = LibSvmRegressor.Load(model, range, 36);
        Assert.Equal(36, svr.FeatureCount);
        Assert.Throws<InvalidDataException>(() => LibSvmRegressor.Load(new StringReader("svm_type c_svc\nSV\n"), new StringReader("x\n-1 1\n"), 36));
    }

    [Fact]
    public void Gamma_function_matches_known_values()
    {
        Assert.Equal(Math.Sqrt(Math.PI), MatlabGamma.Gamma(0.5), 1e-15);
        Assert.Equal(24.0, MatlabGamma.Gamma(5.0), 1e-12);
        Assert.Equal(0.88622692545275801, MatlabGamma.Gamma(1.5), 1e-15);
    }

    [Fact]
    public void Live_gaussian_window_sums_to_one_and_is_symmetric()
    {
        var w = OctaveFilter.LiveGaussianWindow();
        Assert.Equal(1.0, w.Sum(), 1e-15);
        for (int r = 0; r < 7; r++) for (int c = 0; c < 7; c++) Assert.Equal(w[r * 7 + c], w[c * 7 + r]);
    }
}
