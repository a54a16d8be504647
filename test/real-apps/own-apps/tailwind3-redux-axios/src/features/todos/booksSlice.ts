import { createAsyncThunk, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { fetchBooks, type Book } from '../../api';

interface BooksState {
  items: Book[];
  status: 'idle' | 'loading' | 'failed';
}

const initialState: BooksState = { items: [], status: 'idle' };

export const loadBooks = createAsyncThunk('books/load', fetchBooks);

const booksSlice = createSlice({
  name: 'books',
  initialState,
  reducers: {
    toggleRead(state, action: PayloadAction<number>) {
      const book = state.items.find((item) => item.id === action.payload);
      if (book) book.read = !book.read;
    },
  },
  extraReducers: (builder) => {
    builder
      .addCase(loadBooks.pending, (state) => {
        state.status = 'loading';
      })
      .addCase(loadBooks.fulfilled, (state, action) => {
        state.status = 'idle';
        state.items = action.payload;
      })
      .addCase(loadBooks.rejected, (state) => {
        state.status = 'failed';
      });
  },
});

export const { toggleRead } = booksSlice.actions;
export default booksSlice.reducer;
