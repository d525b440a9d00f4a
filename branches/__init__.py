"""Branch life: meetings (notices, materials, attendance, minutes, ratings and
votes), tasks inside a branch, the secretary's requests for new members and
status changes, residence-place members and members' notifications.

branches/ depends on ``editorial`` only (and on Wagtail's pages, documents and
images for meeting materials and task reports); the API serves it from
``api/branches.py``.
"""
