"""The hostile-file corpus of issue 12: every hostile input is built small into a temporary folder,
run through the real CLI in a child process, and held to the bound of the issue's "Done when"
(exit 2 with one line for a refusal, the inputs unchanged, nothing left behind, under 30 s of wall
time and 2 GB of peak resident memory).  ``bench/hostile.py`` prints the same runs as a table."""
