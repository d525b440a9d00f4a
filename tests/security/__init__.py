"""Every attack an outside review ever found, replayed over HTTP.

One module per finding group; each test names the finding it guards
(``issue 13 #N``) in its docstring, so a failure says which hole reopened.
"""
