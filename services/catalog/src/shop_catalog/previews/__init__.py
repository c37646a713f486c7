"""previews"""
