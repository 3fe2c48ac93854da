// Validates PDF files against PDF/A-2b with veraPDF's greenfield library; run by
// scripts/verapdf.sh. Prints each failed rule (clause-test: message) and one line per file,
// "PASS file" or "FAIL file"; exits 0 only when every file is compliant.
import java.io.FileInputStream;
import java.io.InputStream;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

public class Validate {
  public static void main(String[] files) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    PDFAFlavour flavour = PDFAFlavour.fromString("2b");
    boolean allCompliant = true;
    for (String file : files) {
      try (InputStream in = new FileInputStream(file);
          PDFAParser parser = Foundries.defaultInstance().createParser(in, flavour);
          PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false)) {
        ValidationResult result = validator.validate(parser);
        for (TestAssertion assertion : result.getTestAssertions()) {
          if (assertion.getStatus() == TestAssertion.Status.FAILED) {
            System.out.println(assertion.getRuleId().getClause() + "-"
                + assertion.getRuleId().getTestNumber() + ": " + assertion.getMessage());
          }
        }
        System.out.println((result.isCompliant() ? "PASS " : "FAIL ") + file);
        allCompliant &= result.isCompliant();
      }
    }
    System.exit(allCompliant ? 0 : 1);
  }
}
