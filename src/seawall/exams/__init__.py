"""Exams and their outcomes (BRIEF steps 5 to 7, and the findings the model learns from).

For now the node records outcomes imported from a file (``seawall exams import``); the exam
workflow itself (requests, results, images) comes later and will write the same table.
"""
