"""The lab: discovery of experiments in lab/, device selection, the subprocess runner and run records.

Only ``device`` and ``experiment`` import torch, and only experiment processes import them.
"""
