"""The browsable history: a static site of runs, pledges and terms, published after each run."""
