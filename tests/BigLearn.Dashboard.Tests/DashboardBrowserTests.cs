using System.Net;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace BigLearn.Dashboard.Tests;

/// <summary>
/// The page in a real browser: Debian's headless chromium driven by Debian's chromedriver through Selenium.WebDriver, against the
/// smoke population running in this process (started paused). Screenshots go to the test output folder (dashboard-*.png).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [Fact]
    public async Task The_page_follows_the_run_opens_an_agent_and_refuses_a_control_without_the_token()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver),
            $"{Chromium} and {ChromeDriver} are needed: apt-get install chromium chromium-driver (the test build runs build/install-test-deps.sh)");
        await using var dashboard = await SmokeDashboard.StartAsync();
        using var driver = StartBrowser();
        var wait = new WebDriverWait(driver, SmokeDashboard.Patience);
        driver.Navigate().GoToUrl(dashboard.Server.Url);

        // The agents of the smoke run, before its first task; the curves hold the untrained model's evaluation.
        wait.Until(d => d.FindElements(By.CssSelector("#agents tbody tr")).Count == 4 && d.FindElement(By.Id("status")).Text == "paused");
        Assert.Equal(["marginal", "marginal", "marginal", "joint"],
            driver.FindElements(By.CssSelector("#agents tbody tr td:nth-child(2)")).Select(e => e.Text));
        wait.Until(d => Points(d, "chart-kl") == 1);
        Assert.Equal("0 / 60 tasks", driver.FindElement(By.Id("tasks")).Text);

        // A control without the token is refused, and nothing changes.
        driver.FindElement(By.Id("btn-resume")).Click();
        wait.Until(d => d.FindElement(By.Id("control-result")).GetAttribute("data-status") == "401");
        Assert.StartsWith("refused (401)", driver.FindElement(By.Id("control-result")).Text);
        var still = await dashboard.StateAsync();
        Assert.Equal(("paused", 0L), (still.Status, still.TasksDone));

        // With the token the run goes on, and the curves gain a point at each evaluation while it runs, without a reload.
        driver.FindElement(By.Id("token")).SendKeys(dashboard.Token + Keys.Tab);
        driver.FindElement(By.Id("btn-resume")).Click();
        wait.Until(d => d.FindElement(By.Id("control-result")).GetAttribute("data-status") == "200");
        var seen = new SortedSet<int>();
        wait.Until(d =>
        {
            seen.Add(Points(d, "chart-kl"));
            return d.FindElement(By.Id("status")).Text == "done" && Points(d, "chart-kl") == 4;
        });
        Assert.Equal(4, Points(driver, "chart-kl"));
        Assert.Equal(4, Points(driver, "chart-modes"));
        Assert.True(seen.Count >= 2, $"the curves went from {string.Join(" to ", seen)} points");
        Assert.Equal("60 / 60 tasks", driver.FindElement(By.Id("tasks")).Text);
        Assert.True(Points(driver, "credit-chart") >= 2);
        wait.Until(d => (bool)((IJavaScriptExecutor)d).ExecuteScript(
            "const i = document.querySelector('#pictures img'); return !!i && i.complete && i.naturalWidth > 0 && i.closest('figure').textContent.includes('after 60 tasks');")!);
        Screenshot(driver, "dashboard-gmm25-smoke.png");

        // An agent's page: its history, the sizes of S it drew and its transforms.
        driver.FindElement(By.CssSelector("#agents tbody tr[data-agent='0']")).Click();
        wait.Until(d => d.FindElement(By.Id("agent-view")).Displayed && d.FindElement(By.Id("agent-title")).Text == "agent 0 (marginal)");
        wait.Until(d => d.FindElements(By.CssSelector("#sizes-svg rect")).Count > 0 && Points(d, "agent-chart") > 0);
        var tasks = (await dashboard.StateAsync()).Agents[0].Tasks;
        Assert.Equal(tasks.ToString(), driver.FindElement(By.CssSelector("#sizes-svg rect")).GetAttribute("data-count")); // |S| = 0 every time
        Assert.Equal("haar", driver.FindElement(By.CssSelector("#agent-transforms td")).Text);
        Assert.False(driver.FindElement(By.Id("run-view")).Displayed);
        Screenshot(driver, "dashboard-agent.png");
        driver.FindElement(By.Id("agent-back")).Click();
        wait.Until(d => d.FindElement(By.Id("run-view")).Displayed);
    }

    private static int Points(IWebDriver driver, string chart) =>
        int.TryParse(driver.FindElements(By.Id(chart)).FirstOrDefault()?.GetAttribute("data-points"), out var n) ? n : 0;

    // Headless, loopback only, no sandbox (CI runs as root); Quit (Dispose) ends the browser and the driver it started.
    private static ChromeDriver StartBrowser()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1900",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking");
        return new ChromeDriver(service, options, SmokeDashboard.Patience);
    }

    private static void Screenshot(IWebDriver driver, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(path);
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is too small to be a page");
    }
}
