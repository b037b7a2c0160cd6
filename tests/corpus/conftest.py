"""The corpus is data: AWS's rule tests in it are not this project's tests."""
collect_ignore_glob = ["*"]
