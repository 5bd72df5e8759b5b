"""huimao-sheets: checks the sales team's shared register and reports what each person must fix.

Data flows one way: source → register → checks → findings → outputs.
"""

__version__ = "0.1.0"
