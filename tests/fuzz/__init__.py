"""Property-based robustness tests (issue 7): generated input from the botocore models."""
