"""Branch life in the Wagtail admin: the committees' view of their branches'
meetings, votes and tasks, the monthly table and its XLSX, and the
secretaries' "New meeting" form. Registered in ``branches.wagtail_hooks``."""
