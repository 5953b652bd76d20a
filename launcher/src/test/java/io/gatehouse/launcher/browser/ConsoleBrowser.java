package io.gatehouse.launcher.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testsupport.ConsoleClient;
import io.gatehouse.testsupport.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import javax.net.ssl.SSLSocket;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The distribution's headless Chromium, driven through its chromedriver, on the console of a
 * running platform. It trusts the console's certificate and nothing else (its public key is pinned
 * with {@code --ignore-certificate-errors-spki-list}), keeps the screenshots a test takes under
 * {@code target/console-screenshots}, and fails a test whose pages logged an error (a script that
 * threw, a resource the page's Content-Security-Policy refused).
 */
public final class ConsoleBrowser implements AutoCloseable {
  public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final WebDriver driver;
  private final String origin;
  private final Path profile;

  private ConsoleBrowser(WebDriver driver, String origin, Path profile) {
    this.driver = driver;
    this.origin = origin;
    this.profile = profile;
  }

  /** A browser on the console at {@code port}, whose certificate the CA at {@code ca} signed. */
  public static ConsoleBrowser open(int port, Path ca) {
    Prerequisites.require(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        () -> "Chromium and its driver (apt-get install chromium chromium-driver)");
    try {
      Path profile = Files.createTempDirectory("gatehouse-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking", // the machine's network is closed: no calls home
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,800",
          "--user-data-dir=" + profile,
          "--ignore-certificate-errors-spki-list=" + publicKeyPin(port, ca));
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .withLogOutput(System.err)
              .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      return new ConsoleBrowser(driver, "https://127.0.0.1:" + port, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a console route ({@code "#/logs"}); "" for the console's front page. */
  public void go(String route) {
    driver.get(origin + "/" + route);
  }

  /** The element {@code css} names, once it shows. */
  public WebElement find(String css) {
    return until(
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
  }

  /** The input whose label reads {@code label}. */
  public WebElement field(String label) {
    return until(
        d ->
            d.findElements(By.xpath("//label[normalize-space()='" + label + "']")).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .map(l -> d.findElement(By.id(l.getAttribute("for"))))
                .orElse(null));
  }

  /** Replaces what the input labelled {@code label} holds. */
  public void type(String label, String text) {
    WebElement input = field(label);
    input.clear();
    input.sendKeys(text);
  }

  /** Clicks the button that reads {@code text}. */
  public void click(String text) {
    until(
            d ->
                d.findElements(By.xpath("//button[normalize-space()='" + text + "']")).stream()
                    .filter(WebElement::isDisplayed)
                    .findFirst()
                    .orElse(null))
        .click();
  }

  /** Waits until the page's main part shows {@code text}; returns what it shows. */
  public String waitForText(String text) {
    return until(
        d -> {
          String shown = d.findElement(By.id("main")).getText();
          return shown.contains(text) ? shown : null;
        });
  }

  /** Waits until {@code check} gives something. */
  public <T> T until(Function<WebDriver, T> check) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(check::apply);
  }

  /** Runs a script in the page and gives what it returns. */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Accepts the confirmation the page asks for next. */
  public void acceptConfirmations() {
    script("window.confirm = () => true;");
  }

  /**
   * Saves the whole page as {@code target/console-screenshots/<name>.png}, after checking that
   * every control on it has a label a screen reader reads out.
   */
  public Path screenshot(String name) {
    assertThat(unlabelledControls()).as("controls without a label on " + name).isEmpty();
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      // the whole page, not only what the window shows: as tall as the page, for the picture
      org.openqa.selenium.Dimension window = driver.manage().window().getSize();
      long height = ((Number) script("return document.documentElement.scrollHeight;")).longValue();
      driver
          .manage()
          .window()
          .setSize(
              new org.openqa.selenium.Dimension(
                  window.getWidth(),
                  (int) Math.min(4000, Math.max(window.getHeight(), height + 120))));
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      driver.manage().window().setSize(window);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The inputs, selects, text areas and buttons of the page that nothing names. */
  @SuppressWarnings("unchecked")
  public List<String> unlabelledControls() {
    return (List<String>)
        script(
            "return [...document.querySelectorAll('input, select, textarea, button')]"
                + ".filter(c => c.offsetParent !== null)"
                + ".filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')"
                + "  && !(c.tagName === 'BUTTON' && c.textContent.trim()))"
                + ".map(c => c.outerHTML.slice(0, 120));");
  }

  /** Sets the window's size: a phone's is 390×844. */
  public void resize(int width, int height) {
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
  }

  /**
   * The errors the pages logged since the last call: scripts that threw, resources refused or not
   * found.
   */
  public List<String> errors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        // an answer of 4xx is the API refusing what a test meant it to refuse (a field error, a
        // stale revision, the session asked for before a login): the page shows it
        .filter(
            message ->
                !message.matches("(?s).*the server responded with a status of 4(?!04)\\d\\d.*"))
        .toList();
  }

  @Override
  public void close() {
    try {
      assertThat(errors()).as("errors the console's pages logged").isEmpty();
    } finally {
      driver.quit();
      deleteQuietly(profile.toFile());
    }
  }

  /**
   * The base64 SHA-256 of the console's certificate's public key, read from a TLS handshake that
   * trusts only the console's CA.
   */
  private static String publicKeyPin(int port, Path ca) throws IOException {
    try (SSLSocket socket =
        (SSLSocket) ConsoleClient.trusting(ca).getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(leaf.getPublicKey().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteQuietly(child);
      }
    }
    file.delete();
  }
}
